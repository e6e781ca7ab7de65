import { useRef, useState } from 'react';
import { useModal } from '../ConfirmDialog';

/**
 * An image in a message that opens full size on click: a modal <dialog> (Escape or "Close" shuts
 * it, and focus goes back to the image's button), the picture as large as the window allows.
 */
export function ViewableImage({ src, name, width, height }: { src: string; name: string; width?: number; height?: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="image-button" aria-label={`Open ${name} full size`} onClick={() => setOpen(true)}>
        <img src={src} alt={name} width={width} height={height} />
      </button>
      {open && <ImageDialog src={src} name={name} onClose={() => setOpen(false)} />}
    </>
  );
}

function ImageDialog({ src, name, onClose }: { src: string; name: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const close = useRef<HTMLButtonElement>(null);
  useModal(dialog, close);
  return (
    // A click on the backdrop (the dialog itself, outside the figure) closes it too, as people expect of a picture.
    <dialog ref={dialog} className="image-dialog" aria-label={name} onClose={onClose} onClick={(e) => e.target === dialog.current && dialog.current?.close()}>
      <figure>
        <img src={src} alt={name} />
        <figcaption>
          <span className="file-name">{name}</span>
          <button type="button" ref={close} onClick={() => dialog.current?.close()}>
            Close
          </button>
        </figcaption>
      </figure>
    </dialog>
  );
}
