import re, sys
def parse(path):
    out = {}; cur = None; depth = 0; pending = None
    for line in open(path):
        m = re.match(r'/\* offset\s*\|\s*size \*/\s+type = (struct|union) (\w+) \{', line)
        if m and depth == 0:
            cur = m.group(2); out[cur] = {'fields': [], 'size': None}; depth = 1; continue
        if cur is None: continue
        m = re.match(r'/\*\s*(\d+)(?::\s*\d+)?\s*\|\s*(\d+) \*/\s+(.*)$', line)
        if m:
            off, size, rest = int(m.group(1)), int(m.group(2)), m.group(3).strip()
            if rest.endswith('{'):
                if depth == 1: pending = (off, size, rest[:-1].strip())
                depth += 1; continue
            if depth == 1:
                mm = re.match(r'(.*?)\s*(\w+)(\[\d*\])?;$', rest)
                out[cur]['fields'].append((mm.group(2), off, size, (mm.group(1)+(mm.group(3) or '')).replace('__u','uint').replace('uint8','uint8_t').replace('uint16','uint16_t').replace('uint32','uint32_t').replace('uint64','uint64_t').replace('_t_t','_t')))
            continue
        m = re.match(r'\s*\} (\w+);', line)
        if m:
            depth -= 1
            if depth == 1 and pending:
                out[cur]['fields'].append((m.group(1), pending[0], pending[1], pending[2])); pending = None
            continue
        m = re.search(r'total size \(bytes\):\s*(\d+)', line)
        if m and depth == 1: out[cur]['size'] = int(m.group(1))
        if re.match(r'\s*\}\s*$', line) and depth == 1: depth = 0; cur = None
    return out
L = parse(sys.argv[1]); U = parse(sys.argv[2])
full = len(sys.argv) > 3
for name in sorted(set(L) | set(U)):
    if name not in U: print(f"| {name} | {L[name]['size']} | absent | — |"); continue
    if name not in L: print(f"| {name} | absent | {U[name]['size']} | — |"); continue
    lf = [(f[0], f[1], f[2]) for f in L[name]['fields']]; uf = [(f[0], f[1], f[2]) for f in U[name]['fields']]
    if lf == uf and L[name]['size'] == U[name]['size']:
        print(f"| {name} | {L[name]['size']} | {U[name]['size']} | identical |"); continue
    ld = {f[0]: f for f in L[name]['fields']}; ud = {f[0]: f for f in U[name]['fields']}
    diffs = []
    for f in L[name]['fields']:
        if f[0] not in ud: diffs.append(f"{f[0]} only Linux (@{f[1]}/{f[2]})")
        elif (ud[f[0]][1], ud[f[0]][2]) != (f[1], f[2]): diffs.append(f"{f[0]} @{f[1]}/{f[2]} vs @{ud[f[0]][1]}/{ud[f[0]][2]}")
    for f in U[name]['fields']:
        if f[0] not in ld: diffs.append(f"{f[0]} only usrsctp (@{f[1]}/{f[2]})")
    if not diffs: diffs.append('same fields, size differs')
    print(f"| {name} | {L[name]['size']} | {U[name]['size']} | " + "; ".join(diffs) + " |")
