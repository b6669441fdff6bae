#!/usr/bin/env python3
"""Run the conformance corpus (tests/conformance/*.tsv) through `explain` in mode auto.

usage: run.py PATH/TO/vectra-guard [--quiet]

Each TSV row: command, expected, class, note. Expected is host, sandbox, prompt or block,
or `>=sandbox` (sandbox, prompt or block: contained or stopped), or `<=sandbox` (not
prompt or block). In a command, the character
U+23CE stands for a newline (here-docs). Lines run from a scratch git workspace with a
scratch HOME (the workspace is $HOME/src/app), so only the built-in config applies. Prints a per-class table and every
wrong line; exits 1 when any line is wrong.
"""
import collections, glob, json, os, subprocess, sys, tempfile

NEWLINE = '\u23ce'
ORDER = ['host', 'sandbox', 'prompt', 'block']


def load():
    rows = []
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, '*.tsv'))):
        lines = open(path, encoding='utf-8').read().splitlines()
        for n, line in enumerate(lines[1:], start=2):
            if not line.strip() or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != 4:
                sys.exit(f'{os.path.basename(path)}:{n}: expected 4 tab-separated columns, found {len(cols)}.')
            rows.append((cols[0].replace(NEWLINE, '\n'), cols[1], cols[2], f'{os.path.basename(path)}:{n}'))
    return rows


def ok(expected, got):
    if got not in ORDER:
        return False
    if expected.startswith('>='):
        return ORDER.index(got) >= ORDER.index(expected[2:])
    if expected.startswith('<='):
        return ORDER.index(got) <= ORDER.index(expected[2:])
    return got == expected


def decide(vg, rows):
    scratch = tempfile.mkdtemp(prefix='vg-conformance-', dir='/var/tmp')
    # The project lives in the home, as most developers' do: `..` is the home's, not a temp dir.
    home = os.path.join(scratch, 'home')
    ws = os.path.join(home, 'src', 'app')
    os.makedirs(ws)
    subprocess.run(['git', 'init', '-q', ws], check=True)
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': home,
           'VG_HOME': os.path.join(home, '.vectra-guard'), 'NO_COLOR': '1'}
    run = dict(capture_output=True, text=True, cwd=ws, env=env)
    single = [r[0] for r in rows if '\n' not in r[0]]
    p = subprocess.run([vg, 'explain', '--json', '--mode', 'auto', '--batch'],
                       input=''.join(c + '\n' for c in single), **run)
    out = iter([json.loads(l)['decision'] for l in p.stdout.splitlines() if l.strip()])
    got = []
    for cmd, *_ in rows:
        if '\n' in cmd:  # a here-doc: one process for the whole text
            q = subprocess.run([vg, 'explain', '--json', '--mode', 'auto', '--', cmd], **run)
            got.append(json.loads(q.stdout)['decision'] if q.returncode == 0 else 'error')
        else:
            got.append(next(out, 'error'))
    subprocess.run(['rm', '-rf', scratch])
    return got


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = load()
    got = decide(os.path.abspath(sys.argv[1]), rows)
    table = collections.OrderedDict()
    wrong = []
    for (cmd, exp, cls, where), d in zip(rows, got):
        t = table.setdefault(cls, collections.Counter())
        t['lines'] += 1
        if ok(exp, d):
            t['passed'] += 1
            continue
        # A risky line let through, or a harmless (or not critical) one treated too strictly.
        risky = ORDER.index(d) < ORDER.index(exp.lstrip('<>=')) if d in ORDER else True
        t['missed-risky' if risky else 'false-positives'] += 1
        shown = cmd.replace('\n', NEWLINE)[:140]
        wrong.append(f'  {where} [{cls}] expected {exp}, got {d}: {shown}')
    print(f'| class | lines | passed | missed-risky | false-positives |')
    print(f'|---|---|---|---|---|')
    total = collections.Counter()
    for cls, t in table.items():
        total.update(t)
        print(f"| {cls} | {t['lines']} | {t['passed']} | {t['missed-risky']} | {t['false-positives']} |")
    print(f"| **all** | {total['lines']} | {total['passed']} | {total['missed-risky']} | {total['false-positives']} |")
    if wrong and '--quiet' not in sys.argv:
        print(f'{len(wrong)} wrong lines:')
        print('\n'.join(wrong))
    sys.exit(1 if wrong else 0)


main()
