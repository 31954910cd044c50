import { distance } from 'fastest-levenshtein';

// Closest candidate to a mistyped word, or undefined when nothing is plausibly meant.
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  // Allow roughly one edit per three characters (a swap counts two: `raedy` → `ready`), not `x` → `name`.
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.ceil(word.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

// "did you mean `x`?" or a list of what is allowed, for unknown keys and values.
export function suggestionHint(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  if (match) return `did you mean \`${match}\`?`;
  if (candidates.length === 0) return 'no keys are allowed here';
  const shown = candidates.slice(0, 12).map((c) => `\`${c}\``).join(', ');
  return `allowed: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
