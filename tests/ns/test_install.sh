#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves: `make install` puts every file under DESTDIR/PREFIX (programs,
# CNI plugin, man pages, bash completion, systemd units) and nothing
# elsewhere; `make uninstall` removes them all; the man pages render
# cleanly and hyperctl(8) has every command of `hyperctl help`; the
# systemd units pass systemd-analyze and start the installed hyperiond;
# the completion offers every command and a command's options.
. "$(dirname "$0")/lib.sh"
plan 8

STAGE=$(mktemp -d /tmp/hyp-stage.XXXXXX)
PFX=$(mktemp -d /tmp/hyp-prefix.XXXXXX)
on_exit "rm -rf $STAGE $PFX"
mk() { make -s -C "$ROOT" "$@" >/dev/null 2>&1; }

mk install DESTDIR="$STAGE" PREFIX=/usr
files=$(cd "$STAGE" && find . -type f -o -type l | sort)
want="./usr/bin/hyperctl
./usr/lib/cni/hyperion
./usr/lib/systemd/system/hyperiond.service
./usr/lib/systemd/system/hyperiond@.service
./usr/sbin/hyperiond
./usr/share/bash-completion/completions/hyperctl
./usr/share/bash-completion/completions/hyperiond
./usr/share/hyperion/hyperion.conflist
./usr/share/man/man8/hyperctl.8
./usr/share/man/man8/hyperion-cni.8
./usr/share/man/man8/hyperiond.8"
check "install DESTDIR=... PREFIX=/usr: every file under DESTDIR/usr, nothing elsewhere" \
	bash -c "[ '$files' = '$want' ] || { echo '$files'; false; }"
mk uninstall DESTDIR="$STAGE" PREFIX=/usr
check "uninstall removes every installed file" bash -c "[ -z \"\$(find $STAGE -type f -o -type l)\" ]"

man_ok() {
	local page verb bad=0
	for page in hyperctl hyperiond hyperion-cni; do
		groff -man -ww -z "$ROOT/build/man/$page.8" 2>&1 | grep . && bad=1
	done
	while read -r verb; do
		grep -qF ".SS \"hyperctl $verb\"" "$ROOT/build/man/hyperctl.8" || { echo "no $verb in hyperctl.8"; bad=1; }
	done < <("$HYPERCTL" help | sed -n '/^Commands:/,/^$/p' | awk -F '  +' 'NF > 2 {print $2}')
	"$HYPERIOND" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u | while read -r o; do
		grep -qF -- "${o//-/\\-}" "$ROOT/build/man/hyperiond.8" || { echo "no $o in hyperiond.8"; exit 1; }
	done || bad=1
	return $bad
}
check "man pages render without warnings; hyperctl(8) has every command, hyperiond(8) every option" man_ok

mk install PREFIX="$PFX" CNIDIR="$PFX/opt/cni/bin"
check "PREFIX alone (no DESTDIR) and CNIDIR: the plugin where asked, the rest under PREFIX" bash -c \
	"[ -x $PFX/opt/cni/bin/hyperion ] && [ -x $PFX/sbin/hyperiond ] && [ ! -e $PFX/lib/cni ] && [ -f $PFX/share/man/man8/hyperctl.8 ]"
check "the units start the installed hyperiond and pass systemd-analyze verify" bash -c \
	"grep -qx 'ExecStart=$PFX/sbin/hyperiond \$HYPERIOND_ARGS' $PFX/lib/systemd/system/hyperiond.service &&
	 grep -qx 'ExecStart=$PFX/sbin/hyperiond --instance %i \$HYPERIOND_ARGS' $PFX/lib/systemd/system/hyperiond@.service &&
	 systemd-analyze verify --man=no $PFX/lib/systemd/system/hyperiond.service $PFX/lib/systemd/system/hyperiond@lab.service"
check "the installed hyperiond and hyperctl run (--version)" bash -c \
	"$PFX/sbin/hyperiond --version | grep -q '^hyperiond ' && $PFX/bin/hyperctl --version | grep -q '^hyperctl '"
mk uninstall PREFIX="$PFX" CNIDIR="$PFX/opt/cni/bin"

complete_words() { # WORDS...: what bash completion offers for the last word
	bash -c '. "$1"; shift; PATH=$(dirname "$1"):$PATH; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _hyperctl; echo "${COMPREPLY[*]}"' \
		_ "$ROOT/completion/hyperctl.bash" "$HYPERCTL" "$@"
}
comp_cmds() {
	local got want
	got=$(complete_words hyperctl "")
	want=$("$HYPERCTL" help | sed -n '/^Commands:/,/^$/p' | awk -F '  +' 'NF > 2 {split($2, w, " "); print w[1]}' | sort -u)
	for w in $want; do [[ " $got " == *" $w "* ]] || { echo "missing $w in: $got"; return 1; }; done
}
check "completion offers every command of hyperctl help" comp_cmds
check "completion: subcommands of snic, options of snic add" bash -c \
	"[ \"\$(. $ROOT/tests/ns/lib.sh >/dev/null 2>&1; true)\" = '' ] &&
	 [[ ' $(complete_words hyperctl snic "") ' == *' add del list show check '* ]] &&
	 [[ ' $(complete_words hyperctl snic add web --) ' == *' --netns '*' --label '* ]]"
finish
