import assert from "node:assert/strict";
import { test } from "node:test";

import { editedAwayNote } from "../src/sidebar/sources.js";

test("a section agents often edit away carries the note, with its share on hover", () => {
  const note = editedAwayNote({ marker: 1, title: "Refunds > Timing", edited_away: 0.4286 });
  assert.equal(note?.text, "Agents often change this");
  assert.match(note?.title || "", /^In 43% of the replies agents sent, they removed or rewrote/);
});

test("a section not on the open revision list has no note", () => {
  for (const c of [{}, { edited_away: null }, { edited_away: 0 }, { edited_away: "0.5" }, { edited_away: Number.NaN }]) {
    assert.equal(editedAwayNote(c), null);
  }
});

test("a share is never shown above 100%", () => {
  assert.match(editedAwayNote({ edited_away: 1.7 })?.title || "", /^In 100% /);
});
