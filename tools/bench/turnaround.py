#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turnaround times from the emulator's line trace (qtcpip-emu --trace).

    tools/bench/turnaround.py [--kv] TRACE...

qtcpip-bench marks each measurement in the trace through the emulator's
control channel ("mark bench model=.. baud=.. dir=.." ... "mark end").
Inside each marked span this reads both directions of the line and
measures the time the line stands idle waiting for the driver:

  final   the record that carried the last byte of a final result (OK,
          ERROR, SEND OK, SEND FAIL, +CME ERROR) -> the first byte of the
          next command, with nothing else sent by the module in between
  urc     the last module line (a URC such as +QIURC: "recv") that came
          after the final result -> the first byte of the next command
  prompt  the record that carried the prompt "> " -> the first payload
          byte

The module's side of the trace is stamped when the emulator hands bytes
to QEMU, which it does once their time on the paced line has passed;
the driver's side when the emulator reads them from QEMU. So each figure
is the driver's reaction time as the line sees it (guest scheduling,
QEMU's serial path and the driver together); a guest that reads slower
than the line rate leaves a backlog in QEMU's socket, which adds to it. "idle" is the sum of all
three kinds of gap as a share of the span: line time the bound does not
count but the driver spends.

Prints a table, or with --kv one "# TURN key=value..." line per span.
Exit status 1 if no trace had a marked span (nothing measured).
"""
import re
import sys

REC = re.compile(r'^\s*(\d+)\.(\d+) (tx|rx|--) (.*)$')
DATA = re.compile(r'^(\d+) "(.*)"$')
FINAL = re.compile(rb'^(OK|ERROR|SEND OK|SEND FAIL|\+CME ERROR: .*)$')
# headers of binary payload that follows on the line: skip its bytes
QIRD = re.compile(rb'^\+QIRD: (\d+)$')
RECV = re.compile(rb'^\+QIURC: "recv",\d+,(\d+)$')


def unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            if n == 'r':
                out.append(13)
            elif n == 'n':
                out.append(10)
            elif n == 'x':
                out.append(int(s[i + 2:i + 4], 16))
                i += 2
            else:
                out.append(ord(n))
            i += 2
            continue
        out.append(ord(c))
        i += 1
    return bytes(out)


class Span:
    def __init__(self, tags, t):
        self.tags = tags
        self.t0 = t
        self.t1 = t
        self.gaps = {'final': [], 'urc': [], 'prompt': []}
        self.line = bytearray()
        self.skip = 0
        self.final_t = None	# a final result waits for the next command
        self.urc_t = None	# the module spoke after it
        self.prompt_t = None

    def tx(self, t, data):
        for b in data:
            if self.skip:
                self.skip -= 1
                continue
            self.line.append(b)
            if b != 10:
                continue
            line = bytes(self.line).strip(b'\r\n')
            self.line.clear()
            if not line:
                continue
            if FINAL.match(line):
                self.final_t, self.urc_t = t, None
                continue
            if self.final_t is not None:
                self.urc_t = t
            m = QIRD.match(line) or RECV.match(line)
            if m:
                self.skip = int(m.group(1))
        if bytes(self.line).endswith(b'> '):
            self.prompt_t = t
            self.line.clear()

    def rx(self, t):
        if self.prompt_t is not None:
            self.gaps['prompt'].append(t - self.prompt_t)
        elif self.urc_t is not None:
            self.gaps['urc'].append(t - self.urc_t)
        elif self.final_t is not None:
            self.gaps['final'].append(t - self.final_t)
        self.final_t = self.urc_t = self.prompt_t = None


def spans(path):
    out, cur = [], None
    with open(path, errors='replace') as f:
        for raw in f:
            m = REC.match(raw.rstrip('\n'))
            if not m:
                continue
            t = int(m.group(1)) + int(m.group(2)) / 1e6
            kind, rest = m.group(3), m.group(4)
            if kind == '--':
                if rest.startswith('control: mark bench '):
                    tags = dict(kv.split('=', 1)
                                for kv in rest.split()[3:] if '=' in kv)
                    cur = Span(tags, t)
                elif rest.startswith('control: mark end') and cur:
                    cur.t1 = t
                    out.append(cur)
                    cur = None
                continue
            if not cur:
                continue
            d = DATA.match(rest)
            if not d:
                continue
            if kind == 'tx':
                cur.tx(t, unescape(d.group(2)))
            else:
                cur.rx(t)
    return out


def stats(v):
    """n, median and p99 in microseconds ('-' when there is no sample)"""
    if not v:
        return 0, '-', '-'
    v = sorted(v)
    med = v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] +
                                             v[len(v) // 2]) / 2
    p99 = v[min(len(v) - 1, -(-99 * len(v) // 100) - 1)]
    return len(v), '%.0f' % (med * 1e6), '%.0f' % (p99 * 1e6)


def main(argv):
    kv = '--kv' in argv
    paths = [a for a in argv if a != '--kv']
    all_spans = []
    for p in paths:
        try:
            all_spans += spans(p)
        except OSError as e:
            print('# %s: %s' % (p, e), file=sys.stderr)
    if not kv:
        print('%-5s %7s %-12s %21s %21s %21s %6s' % (
            'model', 'baud', 'direction', 'final->cmd us',
            'urc->cmd us', 'prompt->data us', 'idle'))
        print('%-5s %7s %-12s %21s %21s %21s %6s' % (
            '', '', '', 'n / med / p99', 'n / med / p99', 'n / med / p99',
            'share'))
    for s in all_spans:
        dur = s.t1 - s.t0
        idle = sum(sum(g) for g in s.gaps.values())
        share = idle / dur if dur > 0 else 0
        st = {k: stats(v) for k, v in s.gaps.items()}
        if kv:
            print('# TURN model=%s baud=%s dir=%s span_s=%.3f idle=%.3f' % (
                s.tags.get('model', '?'), s.tags.get('baud', '?'),
                s.tags.get('dir', '?'), dur, share) + ''.join(
                ' %s_n=%d %s_med_us=%s %s_p99_us=%s' % (
                    k, st[k][0], k, st[k][1], k, st[k][2]) for k in st))
            continue
        print('%-5s %7s %-12s %21s %21s %21s %6.3f' % (
            s.tags.get('model', '?'), s.tags.get('baud', '?'),
            s.tags.get('dir', '?'),
            *('%d / %s / %s' % st[k] for k in ('final', 'urc', 'prompt')),
            share))
    return 0 if all_spans else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
