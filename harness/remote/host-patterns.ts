// OpenSSH's match.c for host names: `*` any run, `?` one character, `!` negates; case-insensitive.

// One pattern against a name.
export function matchPattern(pattern: string, name: string, ignoreCase = true): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(name);
}

// A pattern list (`a,b,!c` or Host's `a b !c`): a matching negated pattern vetoes the whole list,
// otherwise any matching positive pattern matches (match_pattern_list).
export function matchPatternList(patterns: readonly string[], name: string, ignoreCase = true): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!matchPattern(negated ? pattern.slice(1) : pattern, name, ignoreCase)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
