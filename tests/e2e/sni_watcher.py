#!/usr/bin/python3
"""A minimal StatusNotifierWatcher (and host) on the session bus, for tests/e2e/run.sh's `sni`
scenario: the tray path KDE Plasma, GNOME's AppIndicator extension and waybar use.

It owns org.kde.StatusNotifierWatcher, accepts item registrations, and follows the registered
item like a panel would: on registration and on every NewIcon / NewStatus / NewTitle signal it
reads the item's properties, copies the icon file it names (IconThemePath + IconName, a PNG the
app rewrites under a new name on every change and deletes the old one) into OUT_DIR/icon-N.png,
and reads the item's dbusmenu labels. After each change it rewrites OUT_DIR/state.json:
  {"registered": [...], "title": ..., "id": ..., "status": ..., "icons": ["icon-1.png", ...],
   "labels": [...], "ids": [dbusmenu item id of each label]}
The menu labels are re-read every half second (dbusmenu's LayoutUpdated is not always sent for
a label changed in place).

Usage: sni_watcher.py OUT_DIR      (system python3: needs python3-dbus and python3-gi)
"""
import json
import os
import shutil
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"

OUT = sys.argv[1]
state = {"registered": [], "title": None, "id": None, "status": None, "icons": [], "labels": [],
         "ids": []}
item = None  # (bus name, object path)


def save():
    tmp = os.path.join(OUT, "state.json.tmp")
    with open(tmp, "w") as f:
        json.dump(state, f)
    os.replace(tmp, os.path.join(OUT, "state.json"))


def props():
    bus_name, path = item
    obj = bus.get_object(bus_name, path)
    return dbus.Interface(obj, "org.freedesktop.DBus.Properties").GetAll(ITEM)


def icon_file(p):
    name = str(p.get("IconName", ""))
    theme = str(p.get("IconThemePath", ""))
    if name.startswith("/"):
        return name
    for ext in ("", ".png"):
        cand = os.path.join(theme, name + ext)
        if os.path.isfile(cand):
            return cand
    return None


def refresh_item(*_args):
    """Read the item as a host does after a change signal."""
    if item is None:
        return
    try:
        p = props()
    except dbus.DBusException as e:
        print("cannot read the item:", e, file=sys.stderr, flush=True)
        return
    state["title"] = str(p.get("Title", ""))
    state["id"] = str(p.get("Id", ""))
    state["status"] = str(p.get("Status", ""))
    src = icon_file(p)
    if src and (not state["icons"] or state.get("icon_src") != src):
        dst = "icon-%d.png" % (len(state["icons"]) + 1)
        try:
            shutil.copyfile(src, os.path.join(OUT, dst))
            state["icons"].append(dst)
            state["icon_src"] = src
        except OSError as e:
            print("cannot copy the icon", src, e, file=sys.stderr, flush=True)
    state["menu"] = str(p.get("Menu", ""))
    read_menu()
    save()


def labels_of(node, out, ids):
    item_id, properties, children = node
    label = properties.get("label")
    if label is not None:
        out.append(str(label))
        ids.append(int(item_id))
    for child in children:
        labels_of(child, out, ids)


def read_menu():
    if item is None or not state.get("menu"):
        return True
    try:
        obj = bus.get_object(item[0], state["menu"])
        _rev, layout = dbus.Interface(obj, MENU).GetLayout(0, -1, ["label"])
        out, ids = [], []
        labels_of(layout, out, ids)
        if out != state["labels"] or ids != state["ids"]:
            state["labels"] = out
            state["ids"] = ids
            save()
    except dbus.DBusException as e:
        print("cannot read the menu:", e, file=sys.stderr, flush=True)
    return True  # keep the timer


class Watcher(dbus.service.Object):
    @dbus.service.method(WATCHER, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        global item
        # libayatana-appindicator passes its object path; others pass a bus name.
        if service.startswith("/"):
            item = (sender, service)
        else:
            item = (service, "/StatusNotifierItem")
        state["registered"].append("%s%s" % item)
        for sig in ("NewIcon", "NewStatus", "NewTitle"):
            bus.add_signal_receiver(refresh_item, signal_name=sig, dbus_interface=ITEM,
                                    bus_name=item[0], path=item[1])
        self.StatusNotifierItemRegistered("%s%s" % item)
        refresh_item()

    @dbus.service.method(WATCHER, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        return self.GetAll(interface)[prop]

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        if interface != WATCHER:
            return {}
        return {
            "RegisteredStatusNotifierItems": dbus.Array(state["registered"], signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }


dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName(WATCHER, bus, do_not_queue=True)
watcher = Watcher(bus, "/StatusNotifierWatcher")
save()
print("watching", flush=True)
GLib.timeout_add(500, read_menu)
GLib.MainLoop().run()
