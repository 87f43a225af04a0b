#!/usr/bin/env bash
# build-rootfs.sh <dir>: the smallest root filesystem that runs this host's Node: the node binary,
# the shared libraries it (and sharp's prebuilt libvips) links against, CA certificates, a passwd
# entry for the unprivileged app user and a writable /tmp. No shell, no package manager.
# base-node.Containerfile turns it into localhost/agora/base-node:20 (FROM scratch).
set -euo pipefail

out=${1:?usage: build-rootfs.sh <dir>}
node_bin=$(readlink -f "$(command -v node)")
rm -rf "$out"
mkdir -p "$out"/{usr/local/bin,etc/ssl/certs,tmp,app}
chmod 1777 "$out/tmp"

cp "$node_bin" "$out/usr/local/bin/node"

# node's own libraries (from ldd) plus libresolv, which sharp's libvips needs.
libs=$(ldd "$node_bin" | awk '/=> \//{print $3} /^\s*\/lib/{print $1}')
libs+=$'\n'$(ldconfig -p | awk '/libresolv\.so\.2 .*x86-64/{print $NF; exit}')
for lib in $libs; do
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
# Numeric ids are what the images run as (USER 10001); the names only make `ps` readable.
cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
agora:x:10001:10001:agora:/app:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
agora:x:10001:
nogroup:x:65534:
GROUP
echo "hosts: files dns" > "$out/etc/nsswitch.conf"

"$out/usr/local/bin/node" --version >/dev/null
du -sh "$out" | awk '{print "rootfs: " $1}'
