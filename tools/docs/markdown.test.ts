import { replaceBetweenMarkers } from './markdown';

it('replaces what lies between the markers and keeps them', () => {
  const text = 'a\n<!-- begin:x -->\nold\n<!-- end:x -->\nb\n';
  const once = replaceBetweenMarkers(text, 'x', 'new');
  expect(once).toBe('a\n<!-- begin:x -->\n\nnew\n\n<!-- end:x -->\nb\n');
  expect(replaceBetweenMarkers(once, 'x', 'new')).toBe(once);
});

it('refuses a text without the markers', () => {
  expect(() => replaceBetweenMarkers('<!-- end:x --><!-- begin:x -->', 'x', 'new')).toThrow(
    'the markers <!-- begin:x --> and <!-- end:x --> are missing',
  );
});
