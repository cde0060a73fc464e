/**
 * After a failed submit: bring the first field marked invalid into view and focus it, so a
 * field error scrolled out of sight (a long form in a modal) is not missed.
 */
export function focusFirstInvalid(root: ParentNode = document): void {
  requestAnimationFrame(() => {
    const field = root.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!field) return;
    field.scrollIntoView?.({ block: "center" });
    field.focus();
  });
}
