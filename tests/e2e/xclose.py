"""Close another process's window the way a window manager does: WM_DELETE_WINDOW over X11.

There is no window manager on the test's Xvfb, so closing the kiosk "with the mouse" is this:
find the process's mapped top-level window (``_NET_WM_PID``, which Qt sets) and send it the
``WM_PROTOCOLS`` client message with ``WM_DELETE_WINDOW``, which Qt turns into a close event.
It talks to the X server through libxcb (ctypes), which Qt's xcb plugin needs anyway.
"""

from __future__ import annotations

import ctypes
import struct

XCB_CLIENT_MESSAGE = 33
XCB_MAP_STATE_VIEWABLE = 2
XCB_ATOM_CARDINAL = 6


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class XConnection:
    def __init__(self, display: str) -> None:
        xcb = ctypes.CDLL("libxcb.so.1")
        self.xcb = xcb
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_setup.restype = ctypes.c_void_p
        xcb.xcb_get_setup.argtypes = [ctypes.c_void_p]
        xcb.xcb_setup_roots_iterator.restype = _ScreenIterator
        xcb.xcb_setup_roots_iterator.argtypes = [ctypes.c_void_p]
        for name in ("xcb_query_tree", "xcb_get_window_attributes"):
            getattr(xcb, name).restype = _Cookie
            getattr(xcb, name).argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        xcb.xcb_intern_atom.restype = _Cookie
        xcb.xcb_intern_atom.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint8,
            ctypes.c_uint16,
            ctypes.c_char_p,
        ]
        xcb.xcb_get_property.restype = _Cookie
        xcb.xcb_get_property.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_uint32,
        ]
        xcb.xcb_send_event.restype = _Cookie
        xcb.xcb_send_event.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint8,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_char_p,
        ]
        for name in (
            "xcb_query_tree_reply",
            "xcb_get_window_attributes_reply",
            "xcb_intern_atom_reply",
            "xcb_get_property_reply",
        ):
            getattr(xcb, name).restype = ctypes.c_void_p
            getattr(xcb, name).argtypes = [ctypes.c_void_p, _Cookie, ctypes.c_void_p]
        xcb.xcb_query_tree_children.restype = ctypes.POINTER(ctypes.c_uint32)
        xcb.xcb_query_tree_children.argtypes = [ctypes.c_void_p]
        xcb.xcb_query_tree_children_length.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_property_value.restype = ctypes.POINTER(ctypes.c_uint32)
        xcb.xcb_get_property_value.argtypes = [ctypes.c_void_p]
        xcb.xcb_get_property_value_length.argtypes = [ctypes.c_void_p]
        xcb.xcb_flush.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
        libc = ctypes.CDLL(None)
        libc.free.argtypes = [ctypes.c_void_p]
        self.free = libc.free
        self.conn = xcb.xcb_connect(display.encode(), None)
        if not self.conn or xcb.xcb_connection_has_error(self.conn):
            raise OSError(f"cannot connect to the X display {display}")
        screen = xcb.xcb_setup_roots_iterator(xcb.xcb_get_setup(self.conn)).data
        self.root = ctypes.c_uint32.from_address(screen).value  # xcb_screen_t starts with root

    def close(self) -> None:
        self.xcb.xcb_disconnect(self.conn)

    def _reply(self, name: str, cookie: _Cookie) -> int:
        reply = getattr(self.xcb, f"{name}_reply")(self.conn, cookie, None)
        if not reply:
            raise OSError(f"{name} failed")
        return int(reply)

    def atom(self, name: str) -> int:
        data = name.encode()
        cookie = self.xcb.xcb_intern_atom(self.conn, 0, len(data), data)
        reply = self._reply("xcb_intern_atom", cookie)
        try:
            return ctypes.c_uint32.from_address(reply + 8).value  # type, pad, sequence, length
        finally:
            self.free(reply)

    def children(self) -> list[int]:
        reply = self._reply("xcb_query_tree", self.xcb.xcb_query_tree(self.conn, self.root))
        try:
            count = self.xcb.xcb_query_tree_children_length(reply)
            items = self.xcb.xcb_query_tree_children(reply)
            return [items[i] for i in range(count)]
        finally:
            self.free(reply)

    def viewable(self, window: int) -> bool:
        reply = self._reply(
            "xcb_get_window_attributes", self.xcb.xcb_get_window_attributes(self.conn, window)
        )
        try:
            # response_type, backing_store, sequence (2), length (4), visual (4), class (2),
            # bit_gravity, win_gravity, backing_planes (4), backing_pixel (4),
            # save_under, map_is_installed, map_state
            return ctypes.c_uint8.from_address(reply + 26).value == XCB_MAP_STATE_VIEWABLE
        finally:
            self.free(reply)

    def cardinal(self, window: int, prop: int) -> int | None:
        cookie = self.xcb.xcb_get_property(self.conn, 0, window, prop, XCB_ATOM_CARDINAL, 0, 1)
        reply = self._reply("xcb_get_property", cookie)
        try:
            if self.xcb.xcb_get_property_value_length(reply) < 4:
                return None
            return int(self.xcb.xcb_get_property_value(reply)[0])
        finally:
            self.free(reply)

    def windows_of(self, pid: int) -> list[int]:
        """The mapped top-level windows whose ``_NET_WM_PID`` is ``pid``."""
        net_wm_pid = self.atom("_NET_WM_PID")
        return [
            w for w in self.children() if self.cardinal(w, net_wm_pid) == pid and self.viewable(w)
        ]

    def delete_window(self, window: int) -> None:
        """Ask ``window`` to close (``WM_DELETE_WINDOW``), as a window manager does."""
        protocols, delete = self.atom("WM_PROTOCOLS"), self.atom("WM_DELETE_WINDOW")
        # xcb_client_message_event_t: response_type, format, sequence, window, type, data[20]
        data = (delete, 0, 0, 0, 0)  # the protocol, a time (CurrentTime), unused
        event = struct.pack("=BBHII5I", XCB_CLIENT_MESSAGE, 32, 0, window, protocols, *data)
        self.xcb.xcb_send_event(self.conn, 0, window, 0, event)
        self.xcb.xcb_flush(self.conn)
        self.atom("WM_PROTOCOLS")  # a round trip: the server has handled the event


def close_windows_of(display: str, pid: int) -> int:
    """Send WM_DELETE_WINDOW to every mapped top-level window of ``pid``; how many there were."""
    x = XConnection(display)
    try:
        windows = x.windows_of(pid)
        for window in windows:
            x.delete_window(window)
        return len(windows)
    finally:
        x.close()
