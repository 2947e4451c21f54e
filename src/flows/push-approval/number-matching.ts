// The numbers of number matching. The screen shows one; in 'choose' mode the phone offers it among
// two others (the product's help page), in 'type' mode the user types the six digits shown
// (NIST SP 800-63B-4 §3.1.3 for out-of-band authenticators).
import { randomInt } from 'node:crypto';

export interface Matching {
  number: string;
  choices: string[];
}

export function newMatching(mode: 'choose' | 'type'): Matching {
  if (mode === 'type') return { number: String(randomInt(0, 1_000_000)).padStart(6, '0'), choices: [] };
  const picked = new Set<string>();
  while (picked.size < 3) picked.add(String(randomInt(10, 100)));
  const choices = [...picked];
  const number = choices[randomInt(0, choices.length)] as string;
  return { number, choices };
}
