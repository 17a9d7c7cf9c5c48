#!/usr/bin/python3
"""A Modbus TCP peer that answers as an Eastron SDM630 (unit 1), for interoperability tests.

Independent of our TypeScript stack: it is built on pymodbus 3.0.0 (Debian python3-pymodbus), so run it
with /usr/bin/python3. The register layout mirrors config/profiles/eastron-sdm630.yaml:

  * input registers (FC04): float32, most significant word first, at the profile's field addresses;
    unused registers inside a run that a merged read may span (gap <= MAX_GAP_REGISTERS) read as 0;
  * holding register 0xFC00 (FC03): the serial number as u32.

Every other address is absent from the sparse blocks, so a read touching it gets exception 2
(illegal data address), as from a real meter.

Usage:  pymodbus_sdm630.py --port N         serve on 127.0.0.1:N (0 = any free port); prints "READY <port>"
        pymodbus_sdm630.py --dump-values    print the served values as JSON (source of pymodbus_sdm630.values.json)
"""
import argparse
import asyncio
import json
import logging
import signal
import struct
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext, ModbusSparseDataBlock
from pymodbus.server.async_io import ModbusTcpServer

UNIT = 1
MAX_GAP_REGISTERS = 20  # eastron-sdm630.yaml modbus.maxGapRegisters
SERIAL_ADDRESS = 0xFC00
SERIAL = 12345678

# (input address, "measurement:channel", nominal value), as in eastron-sdm630.yaml.
FIELDS = [
    (0x0000, "voltage_v:l1", 230.1),
    (0x0002, "voltage_v:l2", 231.2),
    (0x0004, "voltage_v:l3", 229.8),
    (0x0006, "current_a:l1", 5.0),
    (0x0008, "current_a:l2", 6.0),
    (0x000A, "current_a:l3", 7.0),
    (0x000C, "power_w:l1", 1150.0),
    (0x000E, "power_w:l2", 1380.0),
    (0x0010, "power_w:l3", 1610.0),
    (0x0012, "apparent_power_va:l1", 1210.5),
    (0x0014, "apparent_power_va:l2", 1452.6),
    (0x0016, "apparent_power_va:l3", 1694.7),
    (0x0018, "reactive_power_var:l1", 378.0),
    (0x001A, "reactive_power_var:l2", 453.6),
    (0x001C, "reactive_power_var:l3", 529.2),
    (0x001E, "power_factor:l1", 0.95),
    (0x0020, "power_factor:l2", 0.95),
    (0x0022, "power_factor:l3", 0.95),
    (0x0034, "power_w:total", 4140.0),
    (0x003E, "power_factor:total", 0.95),
    (0x0046, "frequency_hz:total", 50.0),
    (0x0048, "energy_import_kwh:total", 12345.5),
    (0x004A, "energy_export_kwh:total", 1.25),
    (0x015A, "energy_import_kwh:l1", 4100.5),
    (0x015C, "energy_import_kwh:l2", 4115.0),
    (0x015E, "energy_import_kwh:l3", 4130.0),
    (0x0160, "energy_export_kwh:l1", 0.5),
    (0x0162, "energy_export_kwh:l2", 0.25),
    (0x0164, "energy_export_kwh:l3", 0.5),
]


def f32_words(value):
    """float32 big-endian as two registers, most significant word first."""
    hi, lo = struct.unpack(">HH", struct.pack(">f", value))
    return [hi, lo]


def as_f32(value):
    """The value a client decodes from the float32 registers."""
    return struct.unpack(">f", struct.pack(">f", value))[0]


def input_registers():
    regs = {}
    for address, _key, value in FIELDS:
        regs[address], regs[address + 1] = f32_words(value)
    # Zero-fill the unused registers between two fields when a merged read may span them.
    used = sorted(regs)
    for a, b in zip(used, used[1:]):
        if 1 < b - a <= MAX_GAP_REGISTERS + 1:
            for gap in range(a + 1, b):
                regs[gap] = 0
    return regs


def holding_registers():
    return {SERIAL_ADDRESS: SERIAL >> 16, SERIAL_ADDRESS + 1: SERIAL & 0xFFFF}


def served_values():
    values = {key: as_f32(value) for _a, key, value in FIELDS}
    values["serial"] = str(SERIAL)
    return values


async def serve(port):
    slave = ModbusSlaveContext(
        ir=ModbusSparseDataBlock(input_registers()),
        hr=ModbusSparseDataBlock(holding_registers()),
        di=ModbusSparseDataBlock({}),
        co=ModbusSparseDataBlock({}),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={UNIT: slave}, single=False)
    server = ModbusTcpServer(context, address=("127.0.0.1", port), allow_reuse_address=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    task = asyncio.create_task(server.serve_forever())
    waiter = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({server.serving, task}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:  # serve_forever ended before listening: bind failed
        task.result()
        raise SystemExit("server stopped before listening")
    bound = server.server.sockets[0].getsockname()[1]
    print(f"READY {bound}", flush=True)

    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    await server.shutdown()
    task.cancel()
    waiter.cancel()
    for t in (task, waiter):
        try:
            await t
        except (asyncio.CancelledError, Exception):  # pylint: disable=broad-except
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, help="TCP port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--dump-values", action="store_true", help="print the served values as JSON and exit")
    args = parser.parse_args()
    if args.dump_values:
        json.dump(served_values(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    if args.port is None:
        parser.error("--port is required")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # pymodbus 3.0 logs every exception reply and every closed connection at ERROR level: expected here.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
