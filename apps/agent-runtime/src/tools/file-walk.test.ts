import { globToRegExp } from './file-walk';

describe('globToRegExp', () => {
  it.each([
    ['*.ts', ['a.ts', '.hidden.ts'], ['a.tsx', 'src/a.ts']],
    ['**/*.ts', ['a.ts', 'src/a.ts', 'src/deep/a.ts'], ['a.js', 'src/a.tsx']],
    ['src/**', ['src/a', 'src/a/b.c'], ['src', 'lib/src/a']],
    ['src/**/test/*.js', ['src/test/a.js', 'src/x/y/test/a.js'], ['src/test/x/a.js']],
    ['file?.md', ['file1.md', 'fileA.md'], ['file.md', 'file12.md', 'file/.md']],
    ['*.{js,ts}', ['a.js', 'a.ts'], ['a.jsx', 'a.{js,ts}']],
    ['{src,lib/{a,b}}/*.c', ['src/x.c', 'lib/a/x.c', 'lib/b/x.c'], ['lib/x.c', 'lib/c/x.c']],
    ['a+b(1).[x]$', ['a+b(1).[x]$'], ['aab1x']],
    ['a}b', ['a}b'], ['ab']],
  ])('%s', (pattern, matching, notMatching) => {
    const regexp = globToRegExp(pattern);
    for (const path of matching) expect([path, regexp.test(path)]).toEqual([path, true]);
    for (const path of notMatching) expect([path, regexp.test(path)]).toEqual([path, false]);
  });

  it('refuses an unclosed brace', () => {
    expect(() => globToRegExp('{a,b')).toThrow('unclosed "{"');
  });
});
