import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FileTransfers } from '../../files/fileTransfers';
import type { UploadTask } from '../../files/uploader';
import type { Staged } from './Composer';

/**
 * Files attached in the composer but not yet sent; they start uploading once checked against the
 * server's size limit. A message sent while that check runs still takes the files attached before it.
 */
export function useStaged(files: FileTransfers): Staged {
  const [tasks, setTasks] = useState<UploadTask[]>([]);
  const [refused, setRefused] = useState<string[]>([]);
  // The list itself, read by take() between renders; `tasks` is its copy for rendering.
  const list = useRef<UploadTask[]>([]);
  // Settles once every attach so far is checked and listed.
  const checked = useRef<Promise<unknown>>(Promise.resolve());

  const change = useCallback((next: (list: UploadTask[]) => UploadTask[]) => {
    list.current = next(list.current);
    setTasks(list.current);
  }, []);

  // A cancelled upload leaves the list by itself (its Cancel button lives in the chip).
  useEffect(() => {
    const offs = tasks.map((task) =>
      task.state.subscribe((state) => state === 'cancelled' && change((all) => all.filter((t) => t !== task))),
    );
    return () => offs.forEach((off) => off());
  }, [tasks, change]);

  const attach = useCallback(
    (picked: File[]) => {
      if (picked.length === 0) return;
      const listed = files.attach(picked).then(
        ({ tasks: added, refused: problems }) => {
          setRefused(problems);
          change((all) => [...all, ...added]);
        },
        () => setRefused([`Could not attach ${picked.map((f) => f.name).join(', ')}; try again.`]),
      );
      checked.current = Promise.all([checked.current, listed]);
    },
    [files, change],
  );

  const remove = useCallback(
    (task: UploadTask) => {
      task.cancel();
      change((all) => all.filter((t) => t !== task));
    },
    [change],
  );

  const take = useCallback(async () => {
    setRefused([]); // what was said before Send; a check still out may yet refuse a file, and that shows
    await checked.current;
    const taken = list.current.filter((t) => t.state.get() !== 'cancelled');
    change(() => []);
    return taken;
  }, [change]);

  return useMemo(() => ({ tasks, refused, attach, remove, take }), [tasks, refused, attach, remove, take]);
}
