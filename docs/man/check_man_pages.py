#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keeps the man pages of the installed programs true (ctest: man_pages).

    check_man_pages.py MAN_DIR PROGRAM...

For each PROGRAM (a path to the built executable) the page MAN_DIR/<name>.1 must
  1. render without a single groff warning (groff -man -ww -z), and
  2. name exactly the options that `PROGRAM --help` prints (every option of the help in the
     page and every option of the page in the help), and
  3. for every entry of the help's option list that shows a default in brackets, "[10]",
     give that default as "default: 10" in the page's .TP entry for the same option.
Exit status 0 when every page passes, 1 with one line per problem otherwise, 77 (skipped)
when groff is not installed (scripts/setup-debian.sh installs groff-base).
"""
import os
import re
import shutil
import subprocess
import sys

# An option: one or two dashes and a letter, not inside a word ("k-means", "1-D", "KL-relaxed").
OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")
# Font and size escapes of roff (\fB, \fI, \fR, \fP, \f[...], \s0) and the zero-width \&.
# The font macros whose arguments are set without spaces between them.
ALTERNATING_FONTS = (".BI", ".IB", ".BR", ".RB", ".IR", ".RI")
ROFF_ESCAPES = re.compile(r"\\f(\[[^]]*\]|\(..|.)|\\s[-+]?\d|\\&")


def roff_to_text(source):
    """The page's words without comments, macro names or escapes, one roff line per line."""
    lines = []
    for line in source.splitlines():
        if line.startswith('.\\"') or line.startswith("'\\\""):
            continue
        line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\(en", "-")
        line = ROFF_ESCAPES.sub("", line)
        if line.startswith("."):
            macro, _, rest = line.partition(" ")
            args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', rest)]
            if macro in (".TP", ".SH", ".PP", ".SS"):
                line = macro
            elif macro in ALTERNATING_FONTS:  # .BI --k " K": the arguments touch
                line = "".join(args)
            else:
                line = " ".join(args)
        lines.append(line.replace('"', ""))
    return lines


def tp_entries(lines):
    """{tag line: text of the entry} for every .TP entry of the page."""
    entries, i = {}, 0
    while i < len(lines):
        if lines[i] == ".TP" and i + 1 < len(lines):
            tag, body, i = lines[i + 1], [], i + 2
            while i < len(lines) and lines[i] not in (".TP", ".SH", ".PP", ".SS"):
                body.append(lines[i])
                i += 1
            entries[tag] = " ".join([tag] + body)
        else:
            i += 1
    return entries


def help_defaults(help_text):
    """[(name, default)] of the help's option list: its entries are the lines indented by two
    spaces after "Options", continued by lines indented further; name is the entry's first word
    ("-h," stands for itself), default the first "[...]" of the entry."""
    entries, inside = [], False
    for line in help_text.splitlines():
        if line.startswith("Options"):
            inside = True
        elif inside and not line.strip():
            inside = False
        elif inside and re.match(r"  \S", line):
            entries.append([line.split()[0], line])
        elif inside and entries:
            entries[-1][1] += " " + line.strip()
    result = []
    for name, text in entries:
        m = re.search(r"\[([^]]+)\]", text)
        if m:
            result.append((name, m.group(1)))
    return result


def check(man_dir, program):
    name = os.path.basename(program)
    page = os.path.join(man_dir, name + ".1")
    problems = []
    if not os.path.isfile(page):
        return [f"{name}: no man page {page}"]
    render = subprocess.run(["groff", "-man", "-ww", "-z", page], capture_output=True, text=True)
    if render.returncode != 0 or render.stderr.strip():
        problems.append(f"{name}.1: groff -man -ww warns: {render.stderr.strip()}")

    run = subprocess.run([program, "--help"], capture_output=True, text=True, timeout=60)
    if run.returncode != 0 or not run.stdout.strip():
        return problems + [f"{name} --help: exit status {run.returncode}, output {run.stdout!r}"]
    help_options = set(OPTION.findall(run.stdout))
    with open(page, encoding="utf-8") as f:
        lines = roff_to_text(f.read())
    page_options = set(OPTION.findall("\n".join(lines)))
    for opt in sorted(help_options - page_options):
        problems.append(f"{name}.1: does not document {opt} (printed by {name} --help)")
    for opt in sorted(page_options - help_options):
        problems.append(f"{name}.1: documents {opt}, which {name} --help does not print")

    entries = tp_entries(lines)
    for opt, default in help_defaults(run.stdout):
        key = opt.rstrip(",").lower()
        tagged = [text for tag, text in entries.items()
                  if key in re.split(r"[\s,]+", tag.lower())]
        if not tagged:
            problems.append(f"{name}.1: no .TP entry for {opt} (its --help default is [{default}])")
            continue
        wanted = re.compile(r"default:\s*" + re.escape(default.lower()) + r"(?![\w.-])")
        if not wanted.search(tagged[0].lower()):
            problems.append(f"{name}.1: the entry of {opt} does not say 'default: {default}' "
                            f"as --help does")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    if shutil.which("groff") is None:
        print("man_pages: groff not found (Debian: groff-base), skipped")
        return 77
    problems = []
    for program in argv[2:]:
        found = check(argv[1], program)
        problems += found
        if not found:
            print(f"ok: {os.path.basename(program)}.1")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
