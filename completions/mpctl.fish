# SPDX-License-Identifier: Apache-2.0
# fish completion for mpctl. mpctl answers itself: `mpctl __complete -- WORDS`
# prints the candidates for the last word, or ":file" / ":dir" for a path.

function __mpctl_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l out ($words[1] __complete -- $words[2..-1] 2>/dev/null)
    switch "$out[1]"
        case :file
            __fish_complete_path (commandline -ct)
        case :dir
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\n' $out
    end
end

complete -c mpctl -f -a '(__mpctl_complete)'
