"""Tools for test suites that use the emulator: the pytest plugin and its handle."""

from soap_mturk.testing.emulator import EmulatorHandle, running_emulator

__all__ = ["EmulatorHandle", "running_emulator"]
