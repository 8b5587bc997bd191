// A text field with a length limit that never cuts silently (no maxlength: a paste beyond it
// would be truncated without a word). Beyond the limit a note beside the field says by how
// much; the API refuses the send with a problem the form shows, so nothing is lost.
import { h } from "../dom.js";
import { fmt } from "../format.js";

/** Attach the note after `field` (already in the document); `what` names it ("The title"). */
export function lengthNote(field, max, what) {
  const note = h("p", { class: "field-note", id: `${field.id}-long`, hidden: true });
  field.after(note);
  const described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", [described, note.id].filter(Boolean).join(" "));
  const update = () => {
    const over = [...field.value.trim()].length - max;
    note.hidden = over <= 0;
    note.textContent = over > 0
      ? `Too long: ${what} may have at most ${fmt.int(max)} characters, this one has ${fmt.int(over)} more. Shorten it before sending.`
      : "";
  };
  field.addEventListener("input", update);
  update();
  return note;
}
