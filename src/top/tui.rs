//! The full-screen view of `netns top` on a terminal (ratatui over
//! crossterm): namespaces, busiest first, each expandable into its
//! interfaces; keys sort, filter and expand.
//!
//! The terminal is put back (main screen, cooked mode, cursor shown) when
//! the view ends by a key, by SIGINT or SIGTERM, and on a panic (ratatui's
//! hook restores it before the panic message is printed).

use super::rates::{self, NsRates, SortKey};
use super::render::{COLUMNS, cells};
use super::{Sample, Sampler, TopError};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};
use ratatui::{DefaultTerminal, Frame};
use std::collections::HashSet;
use std::io;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// The signal that ended the view (0: none yet).
static STOP: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    STOP.store(sig, Ordering::SeqCst);
}

/// The signal (SIGINT, SIGTERM) that ended the view, if one did.
pub fn stopped_by() -> Option<i32> {
    Some(STOP.load(Ordering::SeqCst)).filter(|&s| s != 0)
}

/// SIGINT and SIGTERM end the view (through the loop, which restores the
/// terminal) instead of killing the process with the terminal left raw.
fn catch_signals() {
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
    let act = SigAction::new(SigHandler::Handler(on_signal), SaFlags::empty(), SigSet::empty());
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is
        // async-signal-safe.
        let _ = unsafe { sigaction(sig, &act) };
    }
}

/// What the view shows and how.
struct View {
    list: Vec<NsRates>,
    sort: SortKey,
    filter: String,
    editing: bool,
    help: bool,
    /// Expanded namespaces, by inode (stable while namespaces come and go).
    expanded: HashSet<u64>,
    /// The selected namespace, by inode.
    selected: Option<u64>,
    sampled: usize,
    interval: Duration,
    note: Option<String>,
    watched: usize,
}

impl View {
    fn visible(&self) -> Vec<&NsRates> {
        let f = self.filter.to_lowercase();
        self.list.iter().filter(|ns| f.is_empty() || ns.label.to_lowercase().contains(&f)).collect()
    }

    fn move_selection(&mut self, by: isize) {
        let ids: Vec<u64> = self.visible().iter().map(|ns| ns.inode).collect();
        if ids.is_empty() {
            return;
        }
        let at = self.selected.and_then(|s| ids.iter().position(|&i| i == s)).unwrap_or(0);
        let to = (at as isize + by).clamp(0, ids.len() as isize - 1) as usize;
        self.selected = Some(ids[to]);
    }

    /// Handle one key; `true` to quit.
    fn key(&mut self, code: KeyCode, mods: KeyModifiers) -> bool {
        if mods.contains(KeyModifiers::CONTROL) && code == KeyCode::Char('c') {
            return true;
        }
        if self.editing {
            match code {
                KeyCode::Enter => self.editing = false,
                KeyCode::Esc => {
                    self.editing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) => self.filter.push(c),
                _ => {}
            }
            return false;
        }
        match code {
            KeyCode::Char('q') => return true,
            KeyCode::Esc => self.filter.clear(),
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                rates::sort(&mut self.list, self.sort);
            }
            KeyCode::Char('/') => self.editing = true,
            KeyCode::Char('?') => self.help = !self.help,
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(10),
            KeyCode::PageUp => self.move_selection(-10),
            KeyCode::Enter | KeyCode::Char(' ') => {
                if self.selected.is_none() {
                    self.move_selection(0);
                }
                if let Some(s) = self.selected
                    && !self.expanded.remove(&s)
                {
                    self.expanded.insert(s);
                }
            }
            _ => {}
        }
        false
    }

    fn draw(&self, frame: &mut Frame<'_>) {
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).areas(frame.area());
        let visible = self.visible();
        let mut title = format!(
            "netns top: {} of {} namespaces, every {:.1}s, sorted by {}",
            visible.len(),
            self.watched,
            self.interval.as_secs_f64(),
            self.sort.word()
        );
        if !self.filter.is_empty() || self.editing {
            title.push_str(&format!(", filter \"{}\"", self.filter));
        }
        if self.sampled < 2 {
            title.push_str(" (measuring…)");
        }
        frame.render_widget(Line::from(title).style(Style::new().add_modifier(Modifier::BOLD)), head);
        let mut rows = Vec::new();
        let mut selected_row = None;
        for ns in &visible {
            if self.selected == Some(ns.inode) {
                selected_row = Some(rows.len());
            }
            let mark = if self.expanded.contains(&ns.inode) { "-" } else { "+" };
            rows.push(row(format!("{mark} {}", ns.label), &ns.total));
            if self.expanded.contains(&ns.inode) {
                for i in &ns.interfaces {
                    rows.push(row(format!("    {}", i.name), &i.rates).style(Style::new().add_modifier(Modifier::DIM)));
                }
            }
        }
        let widths = [
            Constraint::Min(24),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(7),
            Constraint::Length(7),
        ];
        let header = Row::new(
            COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| if i == 0 { Line::from(*c) } else { Line::from(*c).right_aligned() }),
        )
        .style(Style::new().add_modifier(Modifier::REVERSED));
        let table = Table::new(rows, widths)
            .header(header)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD));
        let mut state = TableState::default().with_selected(selected_row);
        frame.render_stateful_widget(table, body, &mut state);
        let footer = if self.editing {
            format!("filter: {}▏ (Enter keeps it, Esc clears it)", self.filter)
        } else if self.help {
            "q quit  s sort column  / filter by name  Enter/space expand  ↑/↓ select  ? this help".to_string()
        } else if let Some(n) = &self.note {
            n.clone()
        } else {
            "? help  q quit".to_string()
        };
        frame.render_widget(Line::from(footer), foot);
    }
}

/// A table row: the first column, then the rates aligned right.
fn row(first: String, r: &rates::Rates) -> Row<'static> {
    Row::new(std::iter::once(Line::from(first)).chain(cells(r).into_iter().map(|c| Line::from(c).right_aligned())))
}

/// Run the view until `q`, Ctrl-C, SIGINT or SIGTERM. Returns what
/// could not be read on the way, for the caller to print once the
/// terminal is back.
pub fn run(sampler: &mut Sampler, interval: Duration, rescan: &mut Rescan<'_>) -> io::Result<Vec<TopError>> {
    catch_signals();
    let mut terminal = ratatui::try_init()?;
    let result = view_loop(&mut terminal, sampler, interval, rescan);
    ratatui::restore();
    result
}

/// Brings the set of namespaces up to date after each sample (the
/// positions of the sample it is given follow the sampler's); the errors
/// of new namespaces that could not be read.
pub type Rescan<'a> = dyn FnMut(&mut Sampler, &mut Sample) -> Vec<TopError> + 'a;

fn view_loop(
    terminal: &mut DefaultTerminal,
    sampler: &mut Sampler,
    interval: Duration,
    rescan: &mut Rescan<'_>,
) -> io::Result<Vec<TopError>> {
    let mut errors = Vec::new();
    let mut view = View {
        list: Vec::new(),
        sort: SortKey::Bits,
        filter: String::new(),
        editing: false,
        help: false,
        expanded: HashSet::new(),
        selected: None,
        sampled: 0,
        interval,
        note: None,
        watched: sampler.sources().count(),
    };
    let mut last = sampler.sample(&mut errors);
    view.sampled = 1;
    // The first rates come after one interval; until then every namespace
    // is listed at zero.
    view.list = rates::between(sampler.sources(), &last, &last);
    let mut due = Instant::now() + interval;
    loop {
        if let Some(e) = errors.last() {
            view.note = Some(e.to_string());
        }
        terminal.draw(|f| view.draw(f))?;
        // Wait for a key or the next sample, waking now and then for a
        // signal.
        loop {
            if STOP.load(Ordering::SeqCst) != 0 {
                return Ok(errors);
            }
            let now = Instant::now();
            if now >= due {
                let new = sampler.sample(&mut errors);
                view.list = rates::between(sampler.sources(), &last, &new);
                rates::sort(&mut view.list, view.sort);
                view.sampled += 1;
                last = new;
                errors.extend(rescan(sampler, &mut last));
                view.watched = sampler.sources().count();
                due += interval;
                if due < now {
                    due = now + interval;
                }
                break;
            }
            let wait = (due - now).min(Duration::from_millis(200));
            if event::poll(wait)? {
                match event::read()? {
                    Event::Key(k) if k.kind == KeyEventKind::Press => {
                        if view.key(k.code, k.modifiers) {
                            return Ok(errors);
                        }
                        break;
                    }
                    Event::Resize(..) => break,
                    _ => {}
                }
            }
        }
    }
}
