import { useRef, useState, type ClipboardEvent, type DragEvent } from 'react';

/** The files a drop or a paste carries (some browsers list pasted images only as items). */
export function filesOf(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = Array.from(data.files ?? []);
  if (files.length > 0) return files;
  return Array.from(data.items ?? []).flatMap((item) =>
    item.kind === 'file' ? (item.getAsFile() ?? []) : [],
  );
}

function carriesFiles(data: DataTransfer | null): boolean {
  return Array.from(data?.types ?? []).includes('Files');
}

/** A paste with files attaches them instead of inserting anything; a text paste goes on as usual. */
export function pasteFiles(event: ClipboardEvent, onFiles: (files: File[]) => void): void {
  const files = filesOf(event.clipboardData);
  if (files.length === 0) return;
  event.preventDefault();
  onFiles(files);
}

/**
 * Drag-and-drop of files onto an element: `over` while files are dragged over it (to show the drop target).
 * Enter/leave fire for every child crossed, so they are counted. Dragged text or links are left alone.
 */
export function useFileDrop(onFiles: (files: File[]) => void, enabled = true) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const end = (): void => {
    depth.current = 0;
    setOver(false);
  };
  const accepts = (event: DragEvent): boolean => enabled && carriesFiles(event.dataTransfer);
  return {
    over: over && enabled,
    handlers: {
      onDragEnter: (event: DragEvent) => {
        if (!accepts(event)) return;
        event.preventDefault();
        depth.current += 1;
        setOver(true);
      },
      onDragOver: (event: DragEvent) => {
        if (!accepts(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      },
      onDragLeave: (event: DragEvent) => {
        if (!accepts(event)) return;
        depth.current -= 1;
        if (depth.current <= 0) end();
      },
      onDrop: (event: DragEvent) => {
        if (!accepts(event)) return;
        event.preventDefault();
        end();
        onFiles(filesOf(event.dataTransfer));
      },
    },
  };
}
