/** Whether a process with this id is running on this machine. */
export function processAlive(pid: number): boolean {
  // 0 and negative ids name process groups, not one process.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: checks that the process exists, sends nothing
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
