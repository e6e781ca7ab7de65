import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FileTransfers } from '../../files/fileTransfers';
import type { UploadTask } from '../../files/uploader';
import type { Staged } from './Composer';

/** Files attached in the composer but not yet sent; they start uploading at once. */
export function useStaged(files: FileTransfers): Staged {
  const [tasks, setTasks] = useState<UploadTask[]>([]);
  const [refused, setRefused] = useState<string[]>([]);
  const current = useRef(tasks);
  current.current = tasks;

  // A cancelled upload leaves the list by itself (its Cancel button lives in the chip).
  useEffect(() => {
    const offs = tasks.map((task) =>
      task.state.subscribe((state) => state === 'cancelled' && setTasks((list) => list.filter((t) => t !== task))),
    );
    return () => offs.forEach((off) => off());
  }, [tasks]);

  const attach = useCallback(
    (picked: File[]) => {
      if (picked.length === 0) return;
      void files.attach(picked).then(({ tasks: added, refused: problems }) => {
        setRefused(problems);
        setTasks((list) => [...list, ...added]);
      });
    },
    [files],
  );

  const remove = useCallback((task: UploadTask) => {
    task.cancel();
    setTasks((list) => list.filter((t) => t !== task));
  }, []);

  const take = useCallback(() => {
    const taken = current.current.filter((t) => t.state.get() !== 'cancelled');
    setTasks([]);
    setRefused([]);
    return taken;
  }, []);

  return useMemo(() => ({ tasks, refused, attach, remove, take }), [tasks, refused, attach, remove, take]);
}
