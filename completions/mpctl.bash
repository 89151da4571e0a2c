# SPDX-License-Identifier: Apache-2.0
# bash completion for mpctl. mpctl answers itself: `mpctl __complete -- WORDS`
# prints the candidates for the last word, or ":file" / ":dir" for a path.

_mpctl() {
    local line=${COMP_LINE:0:COMP_POINT} cur prefix
    local -a words out
    # Split the line ourselves: bash's COMP_WORDS breaks scope names at ":".
    read -ra words <<< "$line"
    [[ -z $line || $line == *[[:space:]] ]] && words+=("")
    cur=${words[-1]}
    mapfile -t out < <("${words[0]}" __complete -- "${words[@]:1}" 2>/dev/null)
    case ${out[0]-} in
        :file)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        :dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return
            ;;
    esac
    COMPREPLY=("${out[@]}")
    # bash replaces only the part of the word after the last ":" or "=".
    prefix=${cur%"${cur##*[:=]}"}
    if [[ -n $prefix ]]; then
        COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
    fi
}
complete -F _mpctl mpctl
