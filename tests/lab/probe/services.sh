#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# services.sh - real servers from Debian packages for the probe/audit lab tests and the
# --sV benchmark. Source it after tests/lab/lab.sh; then:
#
#   svc_lab_up PORTSET     namespaces "cli" (198.18.0.1) and "srv" (198.18.0.2) joined by
#                          a veth pair, and in "srv": OpenSSH, nginx (plain and TLS with a
#                          throw-away certificate), two telnetd instances (via socat; one
#                          account whose password is a Mirai pair, support/support, and one
#                          whose password is not, guest/Not-Mirai-7q), Redis, vsftpd, an
#                          SMTP server (python3-aiosmtpd), Memcached and a silent listener.
#                          PORTSET "unusual" (tests) or "standard" (benchmark) sets P_SSH,
#                          P_HTTP, P_HTTPS, P_TELNET, P_TELNET2, P_REDIS, P_FTP, P_SMTP,
#                          P_MEMCACHED, P_SILENT.
#   svc_versions           V_SSH, V_NGINX, V_REDIS, V_FTP, V_MEMC, V_SMTP: the versions of
#                          those servers as the installed packages report them
#   svc_pkg_version PKG    a Debian package's upstream version (no epoch, no revision)
#
# The telnetd accounts exist only inside a private mount namespace of the telnetd
# processes (bind-mounted passwd, shadow and a minimal PAM stack without the failure
# delay); the machine's own /etc is never written. Everything is stopped by lab_cleanup.

SVC_ADDR=198.18.0.2
SVC_CLIENT=198.18.0.1

svc_ports() {
	case $1 in
	unusual)
		P_SSH=2222 P_HTTP=8081 P_HTTPS=4433 P_TELNET=2323 P_TELNET2=2324 P_REDIS=6380
		P_FTP=2121 P_SMTP=2525 P_MEMCACHED=11212 P_SILENT=4
		;;
	standard)
		P_SSH=22 P_HTTP=80 P_HTTPS=443 P_TELNET=23 P_TELNET2=2323 P_REDIS=6379
		P_FTP=21 P_SMTP=25 P_MEMCACHED=11211 P_SILENT=4
		;;
	*)
		echo "svc_ports: unknown port set $1" >&2
		return 1
		;;
	esac
	SVC_ALL_PORTS="$P_SSH,$P_HTTP,$P_HTTPS,$P_TELNET,$P_TELNET2,$P_REDIS,$P_FTP,$P_SMTP,$P_MEMCACHED,$P_SILENT"
}

svc_require() {
	local b
	for b in /usr/sbin/sshd /usr/sbin/nginx /usr/sbin/telnetd /usr/bin/socat \
		/usr/bin/redis-server /usr/sbin/vsftpd /usr/bin/memcached /usr/bin/openssl; do
		[ -x "$b" ] || { echo "SKIP: $b not installed (scripts/install-deps.sh test)" >&2; exit 77; }
	done
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
		{ echo "SKIP: python3-aiosmtpd not installed" >&2; exit 77; }
}

# Starts a command in the srv namespace in the background; remembers its pid.
svc_bg() {
	lab_exec srv "$@" >>"$LAB_DIR/servers.log" 2>&1 &
	LAB_PIDS+=($!)
}

svc_telnet_accounts() {
	local d=$LAB_DIR/telnet$1 user=$2 pass=$3 hash
	mkdir -p "$d/home"
	chmod 755 "$d" "$d/home"
	hash=$(openssl passwd -6 "$pass")
	printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:9101:9101::%s/home:/bin/sh\n' "$user" "$d" >"$d/passwd"
	printf 'root:!:19000:0:99999:7:::\n%s:%s:19000:0:99999:7:::\n' "$user" "$hash" >"$d/shadow"
	chmod 640 "$d/shadow"
	cat >"$d/pam-login" <<'PAM'
auth	required	pam_unix.so nodelay
account	required	pam_unix.so
session	required	pam_unix.so
PAM
	cat >"$d/run.sh" <<RUN
#!/bin/sh
mount --bind $d/passwd /etc/passwd
mount --bind $d/shadow /etc/shadow
mount --bind $d/pam-login /etc/pam.d/login
exec socat TCP-LISTEN:$4,bind=$SVC_ADDR,reuseaddr,fork EXEC:/usr/sbin/telnetd,nofork
RUN
	chmod 755 "$d/run.sh"
	svc_bg unshare --mount --propagation private "$d/run.sh"
}

svc_nginx() {
	local d=$LAB_DIR/nginx
	mkdir -p "$d/logs" "$d/tmp"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=lab.portlens.test/O=portlens lab" \
		-addext "subjectAltName=DNS:lab.portlens.test,IP:$SVC_ADDR" \
		-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
	chmod 644 "$d/key.pem"
	cat >"$d/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $d/tmp; proxy_temp_path $d/tmp; fastcgi_temp_path $d/tmp;
	uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
	server { listen $SVC_ADDR:$P_HTTP; location / { return 200 "<html><head><title>portlens lab</title></head></html>\n"; default_type text/html; } }
	server { listen $SVC_ADDR:$P_HTTPS ssl; ssl_certificate $d/cert.pem; ssl_certificate_key $d/key.pem;
		location / { return 200 "<html><head><title>portlens lab tls</title></head></html>\n"; default_type text/html; } }
}
CONF
	svc_bg /usr/sbin/nginx -c "$d/nginx.conf" -p "$d" -e "$d/logs/error.log"
}

# vsftpd NAME PORT OPTION...: in the foreground on the lab address, options added.
svc_vsftpd() {
	local conf=$LAB_DIR/vsftpd-$1.conf port=$2
	shift 2
	mkdir -p /var/run/vsftpd/empty
	printf '%s\n' listen=YES "listen_address=$SVC_ADDR" "listen_port=$port" background=NO \
		secure_chroot_dir=/var/run/vsftpd/empty seccomp_sandbox=NO "$@" >"$conf"
	svc_bg /usr/sbin/vsftpd "$conf"
}

svc_wait_port() { lab_wait_tcp cli "$SVC_ADDR" "$@"; }

svc_lab_up() {
	local d=$LAB_DIR p
	svc_require
	svc_ports "$1"
	lab_ns cli
	lab_ns srv
	lab_link cli "$SVC_CLIENT/24" srv "$SVC_ADDR/24"
	mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
	svc_bg /usr/sbin/sshd -D -e -f /dev/null -h "$d/hostkey" -o "ListenAddress=$SVC_ADDR:$P_SSH" \
		-o PidFile=none
	svc_nginx
	svc_telnet_accounts 1 support support "$P_TELNET"
	svc_telnet_accounts 2 guest Not-Mirai-7q "$P_TELNET2"
	mkdir -p "$d/redis"
	svc_bg /usr/bin/redis-server --bind "$SVC_ADDR" --port "$P_REDIS" --protected-mode no \
		--save '' --appendonly no --dir "$d/redis" --daemonize no
	svc_vsftpd local "$P_FTP" anonymous_enable=NO local_enable=YES pam_service_name=vsftpd
	svc_bg /usr/bin/python3 -m aiosmtpd -n -l "$SVC_ADDR:$P_SMTP"
	svc_bg /usr/bin/memcached -u nobody -l "$SVC_ADDR" -p "$P_MEMCACHED" -U 0
	# A listener that accepts and never says a word, on a port IANA left unassigned.
	svc_bg socat "TCP-LISTEN:$P_SILENT,bind=$SVC_ADDR,reuseaddr,fork" "EXEC:sleep 60"
	for p in ${SVC_ALL_PORTS//,/ }; do
		svc_wait_port "$p" || return 1
	done
}

svc_pkg_version() { dpkg-query -W -f='${Version}' "$1" | sed 's/^[0-9]*://; s/[-+~].*//'; }

svc_versions() {
	V_SSH=$(ssh -V 2>&1 | sed -n 's/^OpenSSH_\([^ ,]*\).*/\1/p')
	V_NGINX=$(/usr/sbin/nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
	V_REDIS=$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')
	V_FTP=$(svc_pkg_version vsftpd)
	V_MEMC=$(memcached -V | awk '{print $2}')
	V_SMTP=$(/usr/bin/python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)')
}
