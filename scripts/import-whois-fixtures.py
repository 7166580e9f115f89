#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Copies the WHOIS/RDAP corpora used by the tests into tests/fixtures/{whois,rdap}
and turns the three upstream expectation formats into one table,
tests/fixtures/whois/expected.tsv: <file>\t<field>\t<value>, where field is one of
domain, created, updated, expires (YYYY-MM-DD, UTC), registrar, registrant_org,
registrant_country, nameservers (sorted, comma-separated, lowercase), notfound (1).
Run once by a developer (never by tests): scripts/import-whois-fixtures.py [CORPORA_DIR]"""
import json, os, re, shutil, sys, glob, datetime

SRC = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/corpora'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DST = os.path.join(ROOT, 'tests/fixtures/whois')
RDST = os.path.join(ROOT, 'tests/fixtures/rdap')
rows = []

def day(s):
    if s is None:
        return None
    if isinstance(s, list):
        s = s[0] if s else None
        if s is None:
            return None
    s = str(s).strip()
    m = re.match(r'(\d{4})-(\d{2})-(\d{2})', s)
    if m:
        return '%s-%s-%s' % m.groups()
    m = re.match(r'(\d{2})/(\d{2})/(\d{2})$', s)  # weppos dd/mm/yy
    if m:
        d, mo, y = m.groups()
        return '20%s-%s-%s' % (y, mo, d)
    return None

def add(f, field, value):
    if value is None or value == '' or value == []:
        return
    rows.append((f, field, value))

def ns(lst):
    return ','.join(sorted(set(x.lower().rstrip('.') for x in lst if x)))

def copy(src, rel):
    dst = os.path.join(DST, rel)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)

# 1. richardpenman: 7 keys; we check domain, dates, registrar.
W = os.path.join(SRC, 'whois')
for raw in sorted(glob.glob(W + '/richardpenman/raw/*')):
    name = os.path.basename(raw)
    exp = W + '/richardpenman/expected/' + name
    if not os.path.exists(exp):
        continue
    rel = 'richardpenman/' + name
    copy(raw, rel)
    e = json.load(open(exp))
    dn = e.get('domain_name')
    if isinstance(dn, list):
        dn = dn[0]
    add(rel, 'domain', dn.lower() if dn else None)
    add(rel, 'created', day(e.get('creation_date')))
    add(rel, 'updated', day(e.get('updated_date')))
    add(rel, 'expires', day(e.get('expiration_date')))
    r = e.get('registrar')
    if isinstance(r, list):
        r = r[0]
    add(rel, 'registrar', r)

# 2. likexian: golden JSON.
for js in sorted(glob.glob(W + '/likexian-whois-parser/noterror/*.json')):
    raw = js[:-5]
    name = os.path.basename(raw)
    rel = 'likexian/' + name
    copy(raw, rel)
    e = json.load(open(js))
    d = e.get('domain', {})
    add(rel, 'domain', (d.get('domain') or '').lower() or None)
    add(rel, 'created', day(d.get('created_date_in_time')))
    add(rel, 'updated', day(d.get('updated_date_in_time')))
    add(rel, 'expires', day(d.get('expiration_date_in_time')))
    add(rel, 'registrar', (e.get('registrar') or {}).get('name'))
    rg = e.get('registrant') or {}
    add(rel, 'registrant_org', rg.get('organization'))
    add(rel, 'registrant_country', rg.get('country'))
    if d.get('name_servers'):
        add(rel, 'nameservers', ns(d['name_servers']))
for raw in sorted(glob.glob(W + '/likexian-whois-parser/notfound/*')):
    rel = 'likexian-notfound/' + os.path.basename(raw)
    copy(raw, rel)
    add(rel, 'notfound', '1')

# 3. weppos: the servers of the region and the big gTLD registries.
SERVERS = ['whois.cnnic.cn', 'whois.sgnic.sg', 'whois.mynic.my', 'whois.thnic.co.th', 'whois.pandi.or.id',
           'whois.jprs.jp', 'whois.kr', 'whois.inregistry.net', 'whois.hkirc.hk', 'whois.twnic.net.tw',
           'whois.audns.net.au', 'whois.verisign-grs.com', 'whois.markmonitor.com', 'whois.pir.org',
           'whois.nic.asia', 'whois.dot.ph', 'whois.nic.vn']
for srv in SERVERS:
    for txt in sorted(glob.glob(W + '/weppos-whois-parser/responses/%s/*/*.txt' % srv)):
        exp = txt[:-4] + '.expected'
        if not os.path.exists(exp):
            continue
        rel = 'weppos/' + os.path.relpath(txt, W + '/weppos-whois-parser/responses')
        blocks = {}
        cur = None
        for line in open(exp, encoding='utf-8', errors='replace'):
            if line.startswith('#'):
                cur = line[1:].strip()
                blocks[cur] = []
            elif cur and line.strip():
                blocks[cur].append(line.strip())
        def val(key, pat=r'^%s == "(.*)"$'):
            for l in blocks.get(key, []):
                m = re.match(pat % re.escape('%s'), l)
                if m:
                    return m.group(1)
            return None
        def tm(key):
            for l in blocks.get(key, []):
                m = re.match(r'^%s %TIME\{(.*)\}$', l)
                if m:
                    return day(m.group(1))
            return None
        copied = False
        status = ' '.join(blocks.get('status', []))
        if ':available' in status:
            add(rel, 'notfound', '1'); copied = True
        if ':registered' not in status and ':available' not in status and 'status' in blocks and \
                'available?' in blocks and any('== true' in l for l in blocks['available?']):
            add(rel, 'notfound', '1'); copied = True
        for field, key in (('domain', 'domain'),):
            v = val(key)
            if v:
                add(rel, field, v.lower()); copied = True
        for field, key in (('created', 'created_on'), ('updated', 'updated_on'), ('expires', 'expires_on')):
            v = tm(key)
            if v:
                add(rel, field, v); copied = True
        v = val('registrar', r'^%s\.name\s+== "(.*)"$')
        if v:
            add(rel, 'registrar', v); copied = True
        v = val('registrant_contacts', r'^%s\[0\]\.organization\s+== "(.*)"$')
        if v:
            add(rel, 'registrant_org', v); copied = True
        names = []
        for l in blocks.get('nameservers', []):
            m = re.match(r'^%s\[\d+\]\.name\s+== "(.*)"$', l)
            if m:
                names.append(m.group(1))
        if names:
            add(rel, 'nameservers', ns(names)); copied = True
        if copied:
            copy(txt, rel)

with open(os.path.join(DST, 'expected.tsv'), 'w') as f:
    f.write('# file\tfield\tvalue (generated by scripts/import-whois-fixtures.py from the upstream expectations)\n')
    for r in rows:
        f.write('%s\t%s\t%s\n' % (r[0], r[1], str(r[2]).replace('\t', ' ').replace('\n', ' ')))

# RDAP: the gTLD-rendering pairs, redaction examples, bootstrap files.
R = os.path.join(SRC, 'rdap')
os.makedirs(RDST, exist_ok=True)
for f in ['icann-rdap/client/lemonde.fr.json', 'icann-rdap/client/lemonde.fr-expected.gtld',
          'icann-rdap/client/microsoft.click.json', 'icann-rdap/client/microsoft.click-expected.gtld',
          'icann-rdap/client/home.moscow.json', 'icann-rdap/client/home.moscow-expected.gtld',
          'icann-rdap/client/example-1_empty_value.json', 'icann-rdap/client/example-2_partial_value.json',
          'icann-rdap/client/example-3-dont_replace_redaction_of_a_number.json',
          'icann-rdap/common/domain_afnic_fr.json', 'icann-rdap/common/error_ripe_net.json',
          'icann-rdap/common/lookup_with_redaction.json', 'icann-rdap/common/entity_arin_hostmaster.json',
          'icann-rdap/srv-rfc-examples/xn--fo-5ja_example.json', 'openrdap/rdap/rdap.nic.cz/domain-example.cz.json',
          'openrdap/bootstrap/dns.json', 'openrdap/bootstrap_malformed/dns_empty.json',
          'openrdap/bootstrap_malformed/dns_syntax_error.json', 'openrdap/bootstrap_malformed/dns_bad_url.json',
          'openrdap/bootstrap_malformed/dns_bad_services.json', 'openrdap/misc/empty.html',
          'openrdap/misc/malformed.json']:
    shutil.copyfile(os.path.join(R, f), os.path.join(RDST, os.path.basename(f)))
print('%d expectations' % len(rows))
