# bash completion for refract: commands, each command's options, target ids (asked of refract
# itself, so a new target needs no edit here), mapping profiles, and files.
_refract() {
  local cur prev words cword
  _init_completion || return
  local commands="translate check bundle hunt test list"
  if [ "$cword" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi
  case "$prev" in
    -t|--target|--schema)
      COMPREPLY=($(compgen -W "$("${words[0]}" list targets 2>/dev/null | cut -d' ' -f1) all" -- "$cur"))
      return ;;
    --emit) COMPREPLY=($(compgen -W "ast ir query" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json sarif" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    -o|--output) _filedir; return ;;
    --mapping)  # a shipped profile name, or a mapping file
      COMPREPLY=($(compgen -W "$("${words[0]}" list mappings 2>/dev/null | awk '{print $2}' | sort -u)" -- "$cur"))
      _filedir '@(yml|yaml)'
      return ;;
    --placeholders|--filter|--events) _filedir '@(yml|yaml|jsonl|json)'; return ;;
  esac
  local options
  case "${words[1]}" in
    translate) options="--target --output --emit --mapping --placeholders --filter --strict-fields --strict --format --jobs --quiet --color --help" ;;
    check) options="--target --format --mapping --placeholders --strict --quiet --color --help" ;;
    bundle) options="--output --target --mapping --check --inline-lists --quiet --color --help" ;;
    hunt) options="--events --schema --mapping --timestamp --quiet --color --help" ;;
    test) options="--help" ;;
    list) COMPREPLY=($(compgen -W "targets modifiers mappings formats" -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    _filedir '@(yml|yaml)'
  fi
}
complete -F _refract refract
