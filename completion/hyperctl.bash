# SPDX-License-Identifier: GPL-2.0-only
# bash completion for hyperctl and hyperiond. Commands, subcommands and
# options come from the programs' own help, so every command is here.

_hyperctl_verbs() { # every "CMD" or "CMD SUB", one a line
	"$1" help 2>/dev/null | sed -n '/^Commands:/,/^$/p' | awk -F '  +' 'NF > 2 {print $2}'
}

_hyperctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} inst=() cmd= sub= i w verbs opts
	COMPREPLY=()
	case $prev in
	--instance)
		COMPREPLY=($(compgen -W "$(ls /run/hyperion 2>/dev/null | sed -n 's/\.sock$//p')" -- "$cur"))
		return ;;
	-n | --netns)
		COMPREPLY=($(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur"))
		return ;;
	-f | --filename)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	esac
	verbs=$(_hyperctl_verbs "$prog")
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--instance) inst=(--instance "${COMP_WORDS[i + 1]}"); i=$((i + 1)) ;;
		-*) ;;
		*)
			if [ -z "$cmd" ]; then cmd=$w
			elif [ -z "$sub" ] && grep -qx "$cmd $w" <<<"$verbs"; then sub=$w
			fi ;;
		esac
	done
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$(awk '{print $1}' <<<"$verbs" | sort -u) help --instance --json --help --version" -- "$cur"))
		return
	fi
	if [ -z "$sub" ] && grep -q "^$cmd " <<<"$verbs"; then
		COMPREPLY=($(compgen -W "$(awk -v c="$cmd" '$1 == c {print $2}' <<<"$verbs")" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2086
		opts=$("$prog" $cmd $sub --help 2>/dev/null | sed -n '/^Options:/,/^$/p' | grep -oE '(^| )--?[a-zA-Z][a-z-]*' | tr -d ' ')
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case "$cmd $sub" in
	"snic show" | "snic del" | "snic check")
		COMPREPLY=($(compgen -W "$("$prog" "${inst[@]}" snic list 2>/dev/null | awk 'NR > 1 && $1 != "no" {print $1}')" -- "$cur")) ;;
	"policy show" | "policy delete")
		COMPREPLY=($(compgen -W "$("$prog" "${inst[@]}" policy list 2>/dev/null | awk 'NR > 1 && $1 != "no" {print tolower($1) "/" $2 "/" $3}')" -- "$cur")) ;;
	"policy trace")
		COMPREPLY=($(compgen -W "$("$prog" "${inst[@]}" snic list 2>/dev/null | awk 'NR > 1 && $1 != "no" {print $1}') tcp udp sctp icmp" -- "$cur")) ;;
	esac
}

_hyperiond() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*|-[vh]\b' | sort -u)" -- "$cur"))
}

complete -F _hyperctl hyperctl
complete -F _hyperiond hyperiond
