# Prints map info (btf ids) for a pinned map and saves its kernel BTF blob.
import ctypes, struct, sys, os
libc = ctypes.CDLL(None, use_errno=True)
NR_BPF = 321
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(NR_BPF, cmd, buf, 128)
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
def obj_get(path):
    p = ctypes.create_string_buffer(path.encode())
    return bpf(7, struct.pack("=QII", ctypes.addressof(p), 0, 0))
def info(fd, size):
    b = ctypes.create_string_buffer(size)
    bpf(15, struct.pack("=IIQ", fd, size, ctypes.addressof(b)))
    return b
path, out = sys.argv[1], sys.argv[2]
fd = obj_get(path)
mi = info(fd, 80).raw
typ, mid, ks, vs = struct.unpack_from("=IIII", mi, 0)
name = mi[24:40].split(b"\0")[0].decode()
btf_id, kid, vid = struct.unpack_from("=III", mi, 64)
print(f"{name} type={typ} key_size={ks} value_size={vs} btf_id={btf_id} key_type_id={kid} value_type_id={vid}")
bfd = bpf(19, struct.pack("=III", btf_id, 0, 0))
bi = ctypes.create_string_buffer(32)
bpf(15, struct.pack("=IIQ", bfd, 32, ctypes.addressof(bi)))
size = struct.unpack_from("=I", bi.raw, 8)[0]
blob = ctypes.create_string_buffer(size)
bi2 = struct.pack("=QIIQII", ctypes.addressof(blob), size, 0, 0, 0, 0)
bib = ctypes.create_string_buffer(bi2, 32)
bpf(15, struct.pack("=IIQ", bfd, 32, ctypes.addressof(bib)))
open(out, "wb").write(blob.raw)
