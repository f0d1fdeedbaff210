#!/usr/bin/env bash
# bench/summary.sh FILE...: Markdown tables from bench/harness.sh output.
#
# For each file: the run's facts (env.*, checks), a table of the figures
# measured for netns and iproute2 (median, ratio with its min-max over the
# repetitions, and any other reference measured in the same repetitions),
# and a table of the figures with one side only (the floor, process spawn).
set -euo pipefail
(($#)) || { echo "usage: bench/summary.sh FILE..." >&2; exit 2; }
for f in "$@"; do
	echo "### ${f##*/}"
	echo
	awk '
	function unit(u) { return u == "us" ? "µs" : u }
	function cell(n) { return (n in med) ? med[n] " " unit(un[n]) : ((n in text) ? text[n] : "") }
	function ratio(b, r,   n) {
		n = b ".ratio_vs_" r
		return (n in med) ? sprintf("%s× (%s–%s)", med[n], lo[n], hi[n]) : ""
	}
	{
		i = index($0, ": ")
		if (!i) next
		name = substr($0, 1, i - 1); rest = substr($0, i + 2)
		order[++count] = name
		if (match(rest, /^[^ ]+ [^ ]+ \[min [^ ]+ max [^ ]+ n=[0-9]+\]$/)) {
			split(rest, w, /[ \[\]=]+/)
			med[name] = w[1]; un[name] = w[2]; lo[name] = w[4]; hi[name] = w[6]
		} else {
			text[name] = rest
		}
	}
	END {
		for (k = 1; k <= count; k++) {
			n = order[k]
			if (n ~ /\.ratio_vs_[a-z_]+$/) continue
			if (n ~ /\.(ip|nsenter|floor|floor_net|true)$/) { isref[n] = 1; continue }
			if ((n ".ip") in med || (n ".ip") in text) both[++nb] = n
			else if (n in med || n ~ /_ms$|_us$/) one[++no] = n
			else facts[++nf] = n
		}
		for (k = 1; k <= nf; k++) printf "- %s: %s\n", facts[k], text[facts[k]]
		if (nb) {
			print ""
			print "| figure | netns | iproute2 | netns ÷ iproute2 (min–max) | other references (netns ÷ them) |"
			print "|---|---|---|---|---|"
			for (k = 1; k <= nb; k++) {
				b = both[k]; other = ""
				split("nsenter floor floor_net true", refs, " ")
				for (j = 1; j <= 4; j++) {
					r = refs[j]
					if (!((b "." r) in med)) continue
					other = other (other == "" ? "" : "; ") r " " cell(b "." r)
					if ((b ".ratio_vs_" r) in med) other = other " (" med[b ".ratio_vs_" r] "×)"
				}
				printf "| %s | %s | %s | %s | %s |\n", b, cell(b), cell(b ".ip"), ratio(b, "ip"), other
			}
		}
		if (no) {
			print ""
			print "| figure | median | min–max |"
			print "|---|---|---|"
			for (k = 1; k <= no; k++) {
				b = one[k]
				if (b in med) printf "| %s | %s | %s–%s |\n", b, cell(b), lo[b], hi[b]
				else printf "| %s | %s | |\n", b, cell(b)
			}
		}
	}' "$f"
	echo
done
