#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shell completions made from the option tables (`portlens completion bash|zsh|fish`).

1. bash, on a real prompt: an interactive bash in a pseudo-terminal sources the script,
   and TAB is pressed after partial words; what readline completes or lists is read
   back from the terminal.
2. Every option each command's --help lists is offered by bash's completion function for
   that command (so the table's help and its completions cannot drift apart), and
   nothing is offered that the command then rejects as unknown.
3. zsh and fish load their scripts without error and define the completions.

Usage: completion.py PORTLENS
"""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

portlens = os.path.realpath(sys.argv[1])
failures = []
passes = 0


def check(ok, what):
    global passes
    if ok:
        passes += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def generate(shell):
    r = subprocess.run([portlens, "completion", shell], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout:
        sys.exit(f"FAIL: portlens completion {shell}: exit {r.returncode}: {r.stderr}")
    return r.stdout


tmp = tempfile.mkdtemp(prefix="portlens-completion-")
scripts = {}
for sh in ("bash", "zsh", "fish"):
    scripts[sh] = os.path.join(tmp, "portlens." + sh)
    with open(scripts[sh], "w") as f:
        f.write(generate(sh))


# --- 1. bash on a real prompt -------------------------------------------------------
class Prompt:
    def __init__(self):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "TERM": "dumb",
               "PS1": "pl$ ", "INPUTRC": "/dev/null", "LANG": "C.UTF-8"}
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(tmp)
            os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)
        self.read(1.0)
        self.send(f"source {scripts['bash']}; bind 'set show-all-if-ambiguous on'\n")
        self.read(1.0)

    def send(self, s):
        os.write(self.fd, s.encode())

    def read(self, quiet=0.5, limit=5.0):
        """What the terminal shows until it stays quiet for `quiet` seconds."""
        out, end = b"", time.time() + limit
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        return out.decode(errors="replace")

    def tab(self, line):
        """Types line, presses TAB, returns what appeared; then clears the line."""
        self.send(line + "\t")
        shown = self.read()
        self.send("\x15")  # Ctrl-U: kill the line
        self.read(0.3)
        return shown

    def close(self):
        self.send("exit\n")
        os.waitpid(self.pid, 0)


p = Prompt()
shown = p.tab("portlens scan --max-rt")
check("--max-rtt-timeout" in shown, f"bash: 'portlens scan --max-rt<TAB>' completes to "
      f"--max-rtt-timeout (terminal showed {shown!r})")
shown = p.tab("portlens scan --max-r")
check(all(o in shown for o in ("--max-rate", "--max-retries", "--max-rtt-timeout")),
      f"bash: 'portlens scan --max-r<TAB>' lists --max-rate, --max-retries, "
      f"--max-rtt-timeout (terminal showed {shown!r})")
shown = p.tab("portlens lis")
check("listen" in shown, f"bash: 'portlens lis<TAB>' completes the command (showed {shown!r})")
shown = p.tab("portlens listen --processes-from ")
check(all(v in shown for v in ("auto", "procfs", "bpf")),
      f"bash: a value with known words lists them (showed {shown!r})")
shown = p.tab("portlens audit --fail-on=cr")
check("critical" in shown, f"bash: --fail-on=cr<TAB> completes after '=' (showed {shown!r})")
shown = p.tab("portlens scan -o")
check(all(o in shown for o in ("-oN", "-oX", "-oJ", "-oG", "-oC")),
      f"bash: nmap's one-dash output options are offered (showed {shown!r})")
p.close()


# --- 2. the help of every command against bash's completion function ----------------
def completions(words):
    """COMPREPLY of _portlens for the command line `words` (the last one is completed)."""
    script = (f"source {scripts['bash']}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
              f"COMP_CWORD={len(words) - 1}\n"
              "_portlens\n"
              "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                       text=True, cwd=tmp)
    return set(r.stdout.split())


def values_of(cmd, opt):
    """What the completion says the option's value is ('' when it takes none)."""
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c",
                        f"source {scripts['bash']}; _portlens_values {cmd} {opt}"],
                       capture_output=True, text=True)
    return r.stdout.strip()


top = subprocess.run([portlens, "--help"], capture_output=True, text=True).stdout
commands = re.findall(r"^  (\S+) ", top.split("commands:")[1].split("\n\n")[0], re.M)
check(len(commands) >= 10, f"portlens --help lists the commands ({commands})")
check(set(commands) <= completions(["portlens", ""]), "bash: every command is offered")
for cmd in commands:
    offered = completions(["portlens", cmd, "-"])
    check(offered, f"bash: {cmd} offers options")
    text = subprocess.run([portlens, cmd, "--help"], capture_output=True, text=True).stdout
    listed = set()
    for line in text.splitlines():
        if not line.startswith("  -"):
            continue
        for part in re.split(r"\s{2,}", line.strip()):
            if not part.startswith("-"):
                break
            part = re.sub(r"'[^']*'", "", part)  # a quoted value is no option: --scan 'A -p B'
            listed.update(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w.-]*)", part))
    for opt in sorted(listed):
        opt = opt.split("..")[0]
        # scan's nmap names are offered with one dash (-sV); --sV is the same option.
        ok = opt in offered or "-" + opt.lstrip("-") in offered if len(opt) > 3 else \
            any(o.startswith(opt) for o in offered)
        check(ok, f"bash: '{cmd} --help' lists {opt}; the completion offers it")
    for opt in sorted(offered):
        if opt in ("-h", "--help"):
            continue
        # Nothing may run: an option that takes a value is given none (an error that
        # names it), a flag is followed by --help (which stops after the options).
        takes = values_of(cmd, opt)
        argv = [portlens, cmd, opt] if takes else [portlens, cmd, opt, "--help"]
        r = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           timeout=30)
        good = "needs a value" in r.stderr if takes else r.returncode in (0, 2)
        check(good and "unknown option" not in r.stderr,
              f"{cmd}: the offered {opt} is an option ({r.returncode}: {r.stderr.strip()})")

# --- 3. zsh and fish load their scripts -----------------------------------------------
zsh = subprocess.run(["zsh", "-f", "-c",
                      f"autoload -U compinit; compinit -u -d {tmp}/zcompdump; "
                      f"source {scripts['zsh']} 2>&1; whence -w _portlens; "
                      f"functions _portlens | grep -c -- --max-rtt-timeout"],
                     capture_output=True, text=True)
check(zsh.returncode == 0 and "_portlens: function" in zsh.stdout
      and zsh.stdout.split()[-1] != "0",
      f"zsh: the script loads and defines _portlens with scan's options "
      f"({zsh.stdout!r} {zsh.stderr!r})")
fish = subprocess.run(["fish", "--no-config", "-c",
                       f"source {scripts['fish']}; complete -C 'portlens scan --max-r'"],
                      capture_output=True, text=True)
check(fish.returncode == 0 and "--max-rtt-timeout" in fish.stdout
      and "--max-retries" in fish.stdout,
      f"fish: 'portlens scan --max-r' completes ({fish.stdout!r} {fish.stderr!r})")

print(f"{passes} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
