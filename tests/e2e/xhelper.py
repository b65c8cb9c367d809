#!/usr/bin/python3
"""X11 chores that xdotool cannot do without a window manager (the test displays have none).

  xhelper.py close WINDOW   ask WINDOW to close the way a window manager's close button does
                            (WM_PROTOCOLS / WM_DELETE_WINDOW), so the app runs its real close path;
                            `xdotool windowclose` would destroy the X window behind GTK's back.
  xhelper.py tray-ready     exit 0 when a system tray owns _NET_SYSTEM_TRAY_S0 (trayer is up).
"""
import sys

from Xlib import X, display, protocol


def main() -> int:
    d = display.Display()
    if sys.argv[1:2] == ["tray-ready"]:
        owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return 0 if owner != X.NONE else 1
    if len(sys.argv) == 3 and sys.argv[1] == "close":
        w = d.create_resource_object("window", int(sys.argv[2]))
        ev = protocol.event.ClientMessage(
            window=w,
            client_type=d.intern_atom("WM_PROTOCOLS"),
            data=(32, [d.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]),
        )
        w.send_event(ev, event_mask=X.NoEventMask)
        d.sync()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
