const regExpSpecial = /[.*+?^${}()|[\]\\/-]/g;
const classSpecial = /[\\\]^[-]/g;

/**
 * Compiles a Redis glob pattern (`*`, `?`, `[abc]`, `[^a-z]`, `\x`) into an anchored RegExp,
 * so in-process pattern subscriptions match exactly what Redis `PSUBSCRIBE` would.
 */
export function globPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (char === '\\' && i + 1 < pattern.length) {
      source += pattern[++i]!.replace(regExpSpecial, '\\$&');
    } else if (char === '[') {
      let negate = false;
      if (pattern[i + 1] === '^') {
        negate = true;
        i++;
      }
      let set = '';
      while (++i < pattern.length && pattern[i] !== ']') {
        let member = pattern[i]!;
        if (member === '\\' && i + 1 < pattern.length) {
          member = pattern[++i]!;
        } else if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
          let to = pattern[i + 2]!;
          i += 2;
          if (to === '\\' && i + 1 < pattern.length) to = pattern[++i]!;
          const [low, high] = member <= to ? [member, to] : [to, member];
          set += `${low.replace(classSpecial, '\\$&')}-${high.replace(classSpecial, '\\$&')}`;
          continue;
        }
        set += member.replace(classSpecial, '\\$&');
      }
      source += set === '' ? (negate ? '[^]' : '[]') : `[${negate ? '^' : ''}${set}]`;
    } else {
      source += char.replace(regExpSpecial, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}
