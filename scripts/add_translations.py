import sys, json
from babel.messages.pofile import read_po, write_po
po = 'kamdesk/locale/zh_CN/LC_MESSAGES/kamdesk.po'
T = json.load(open(sys.argv[1]))
with open(po, 'rb') as f: cat = read_po(f, locale='zh_CN')
missing = []
for m in cat:
    if not m.id: continue
    key = m.id if isinstance(m.id, str) else m.id[0]
    if key in T:
        v = T[key]
        m.string = (v,) if not isinstance(m.id, str) else v
    elif not (m.string if isinstance(m.string, str) else all(m.string)):
        missing.append(key)
with open(po, 'wb') as f: write_po(f, cat, width=100, omit_header=False, sort_output=True, no_location=True)
print('missing:', missing)
