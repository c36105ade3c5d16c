/** Covers the thread while files are dragged over it: dropping them attaches them to the reply. */
export function DropTarget() {
  return (
    <div className="drop-target" data-testid="drop-target" aria-hidden="true">
      <span>Drop files to attach them to your reply</span>
    </div>
  );
}
