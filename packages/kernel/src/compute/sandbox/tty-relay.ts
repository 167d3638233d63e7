/**
 * The pseudo-terminal relay that runs inside the sandbox in tty mode, as a constant Python program
 * (`python3 -I -S -c RELAY ctl rows cols argv…`): the user's argv arrives as separate arguments and is
 * exec'd directly, never through a shell. It opens a pty, starts the program as a session leader with the
 * pty as its controlling terminal, copies stdin → pty and pty → stdout, applies `rows cols` lines from the
 * control fd as window-size changes (the kernel then sends SIGWINCH), and exits with the program's status
 * (128 + N for a signal). Node has no pty API; this needs only Debian's python3 on the host's /usr.
 */
export const TTY_RELAY = `
import os, sys, pty, select, fcntl, termios, struct, errno
ctl, rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
def size(fd, r, c):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))
master, slave = pty.openpty()
size(master, rows, cols)
pid = os.fork()
if pid == 0:
    os.close(master)
    os.close(ctl)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        os.write(2, ('%s: %s\\r\\n' % (argv[0], e.strerror)).encode())
    os._exit(127)
os.close(slave)
os.set_blocking(master, False)
def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            select.select([], [fd], [])
pending, control, inputs, status = b'', b'', [0, ctl], None
while True:
    readers = inputs + [master] if len(pending) < 65536 else [master]
    if status is not None:
        readers = [master]
    try:
        r, w, _ = select.select(readers, [master] if pending else [], [], 0.2)
    except InterruptedError:
        continue
    if master in w:
        try:
            pending = pending[os.write(master, pending):]
        except (BlockingIOError, OSError):
            pass
    if master in r:
        try:
            data = os.read(master, 65536)
        except BlockingIOError:
            data = None
        except OSError:
            data = b''
        if data == b'':
            break
        if data:
            write_all(1, data)
    elif status is not None:
        break
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            pending += data
        else:
            inputs.remove(0)
    if ctl in r:
        data = os.read(ctl, 4096)
        if not data:
            inputs.remove(ctl)
        control += data
        while b'\\n' in control:
            line, control = control.split(b'\\n', 1)
            parts = line.split()
            if len(parts) == 2 and all(p.isdigit() for p in parts):
                size(master, int(parts[0]), int(parts[1]))
    if status is None:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
if status is None:
    status = os.waitpid(pid, 0)[1]
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
`;
