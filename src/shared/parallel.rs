//! Work spread over a few scoped threads, each owning its share.
//!
//! Reading or changing many namespaces goes faster on two threads, and a
//! thread that enters a namespace (`setns`) or makes one (`unshare`) must
//! be a thread of its own that ends with its share: nothing else may run
//! in a namespace it was left in. So every share runs on a new scoped
//! thread, never on the caller's, and the results come back in the order
//! of the shares.

/// Split `items` into at most `threads` contiguous shares (none empty).
pub fn shares<T>(items: &[T], threads: usize) -> Vec<&[T]> {
    items.chunks(share_len(items.len(), threads)).collect()
}

/// [`shares`], of a slice each thread may change.
pub fn shares_mut<T>(items: &mut [T], threads: usize) -> Vec<&mut [T]> {
    let len = share_len(items.len(), threads);
    items.chunks_mut(len).collect()
}

fn share_len(items: usize, threads: usize) -> usize {
    items.div_ceil(threads.max(1)).max(1)
}

/// Run `work` on each part, one new scoped thread per part, and return
/// the results of all parts in their order. A panic in a worker is
/// carried on to the caller.
pub fn run<P: Send, R: Send>(parts: Vec<P>, work: impl Fn(P) -> Vec<R> + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|s| {
        let joins: Vec<_> = parts.into_iter().map(|p| s.spawn(move || work(p))).collect();
        let mut out = Vec::new();
        for j in joins {
            out.extend(j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_and_every_item_once() {
        let items: Vec<u32> = (0..17).collect();
        for threads in 0..5 {
            let parts = shares(&items, threads);
            assert!(parts.len() <= threads.max(1));
            assert!(parts.iter().all(|p| !p.is_empty()));
            let got = run(parts, |p| p.iter().map(|x| x * 2).collect());
            assert_eq!(got, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
        assert!(shares::<u32>(&[], 2).is_empty());
        assert!(run(Vec::<&[u32]>::new(), |p| p.to_vec()).is_empty());
    }

    #[test]
    fn each_share_runs_on_its_own_thread() {
        let mut items = vec![0u64; 10];
        let caller = std::thread::current().id();
        let ids = run(shares_mut(&mut items, 2), |p| {
            p.iter_mut().for_each(|x| *x = 1);
            vec![std::thread::current().id()]
        });
        assert_eq!(ids.len(), 2);
        assert!(ids[0] != ids[1] && !ids.contains(&caller));
        assert!(items.iter().all(|&x| x == 1));
    }
}
