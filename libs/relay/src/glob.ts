/**
 * Turns an agent-name glob (`*` any run of characters, `?` any one) into an anchored regular
 * expression. The pattern's other characters are letters, digits and `-` (the schema checks
 * that), so none needs escaping.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replaceAll('*', '.*').replaceAll('?', '.')}$`);
}
