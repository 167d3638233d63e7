import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamCursors } from './cursors.ts';

test('an event at or below the cursor is a duplicate; a stream starting over at 1 is not', () => {
  const cursors = new StreamCursors();
  assert.equal(cursors.advance('s', 1, 'vm.stdout'), true);
  assert.equal(cursors.advance('s', 2, 'vm.stdout'), true);
  assert.equal(cursors.advance('s', 2, 'vm.stdout'), false);
  assert.equal(cursors.advance('s', 1, 'vm.stdout'), true);
});

test('cursors are given per pattern and bounded in number', () => {
  const cursors = new StreamCursors(2);
  cursors.advance('a', 5, 'vm.stdout');
  cursors.advance('b', 3, 'task.event');
  assert.deepEqual(cursors.for('vm.*'), { a: 5 });
  cursors.advance('c', 1, 'vm.exit');
  assert.deepEqual(cursors.for('*'), { b: 3, c: 1 });
});
