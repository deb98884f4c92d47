#include "formats/torch_reader.h"

#include <cstring>
#include <map>
#include <memory>

#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// Caps on what a pickle may build: torch.save writes a few opcodes per tensor, so these bound
// a hostile file's work and memory without limiting any real one.
constexpr uint64_t kMaxPickleBytes = uint64_t{64} << 20;
constexpr size_t kMaxStack = 1 << 20;
constexpr size_t kMaxDims = 32;
constexpr size_t kMaxTensors = 4096;

struct Obj;
using ObjPtr = std::shared_ptr<Obj>;

struct Obj {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kTuple, kList, kDict, kGlobal, kStorage, kTensor, kMark } kind = kNone;
  int64_t i = 0;
  double f = 0.0;
  std::string s;  // kStr, kBytes; kGlobal: "module.name"; kStorage: key
  std::vector<ObjPtr> items;                        // kTuple, kList
  std::vector<std::pair<ObjPtr, ObjPtr>> entries;   // kDict
  // kStorage: dtype and element count; kTensor: its storage, offset, shape and strides.
  std::string dtype;
  uint64_t numel = 0;
  ObjPtr storage;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
};

ObjPtr Make(Obj::Kind k) {
  auto o = std::make_shared<Obj>();
  o->kind = k;
  return o;
}

// torch's storage classes and the numpy names of their elements.
const char* StorageDtype(const std::string& global) {
  static const std::map<std::string, const char*> m = {
      {"torch.FloatStorage", "float32"},         {"torch.DoubleStorage", "float64"},
      {"torch.HalfStorage", "float16"},          {"torch.ComplexFloatStorage", "complex64"},
      {"torch.ComplexDoubleStorage", "complex128"}, {"torch.LongStorage", "int64"},
      {"torch.IntStorage", "int32"},             {"torch.ShortStorage", "int16"},
      {"torch.CharStorage", "int8"},             {"torch.ByteStorage", "uint8"},
      {"torch.BoolStorage", "bool"}};
  auto it = m.find(global);
  return it == m.end() ? nullptr : it->second;
}

class Unpickler {
 public:
  Unpickler(const std::string& path, const std::vector<unsigned char>& b) : path_(path), b_(b) {}

  ObjPtr Run() {
    for (;;) {
      const unsigned char op = Byte();
      switch (op) {
        case 0x80: Byte(); break;              // PROTO
        case 0x95: Take(8); break;             // FRAME (a size hint)
        case '.': {                            // STOP
          ObjPtr r = Pop();
          return r;
        }
        case '(': Push(Make(Obj::kMark)); break;
        case 'N': Push(Make(Obj::kNone)); break;
        case 0x88: case 0x89: {                // NEWTRUE, NEWFALSE
          ObjPtr o = Make(Obj::kBool);
          o->i = op == 0x88;
          Push(o);
          break;
        }
        case 'K': PushInt(Byte()); break;      // BININT1
        case 'M': PushInt(static_cast<int64_t>(LoadUnsigned(Take(2), 2, false))); break;
        case 'J': PushInt(static_cast<int32_t>(LoadUnsigned(Take(4), 4, false))); break;
        case 0x8a: {                           // LONG1: little-endian two's complement
          const size_t n = Byte();
          if (n > 8) Fail("an integer of " + std::to_string(n) + " bytes");
          const unsigned char* p = Take(n);
          uint64_t v = 0;
          for (size_t k = 0; k < n; ++k) v |= uint64_t{p[k]} << (8 * k);
          if (n && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t{0} << (8 * n);
          PushInt(static_cast<int64_t>(v));
          break;
        }
        case 'G': {                            // BINFLOAT: big-endian double
          const uint64_t bits = LoadUnsigned(Take(8), 8, true);
          ObjPtr o = Make(Obj::kFloat);
          std::memcpy(&o->f, &bits, 8);
          Push(o);
          break;
        }
        case 'X': PushStr(Obj::kStr, LoadUnsigned(Take(4), 4, false)); break;   // BINUNICODE
        case 0x8c: PushStr(Obj::kStr, Byte()); break;                           // SHORT_BINUNICODE
        case 0x8d: PushStr(Obj::kStr, LoadUnsigned(Take(8), 8, false)); break;  // BINUNICODE8
        case 'T': PushStr(Obj::kStr, LoadUnsigned(Take(4), 4, false)); break;   // BINSTRING
        case 'U': PushStr(Obj::kStr, Byte()); break;                            // SHORT_BINSTRING
        case 'B': PushStr(Obj::kBytes, LoadUnsigned(Take(4), 4, false)); break; // BINBYTES
        case 'C': PushStr(Obj::kBytes, Byte()); break;                          // SHORT_BINBYTES
        case 'c': {                            // GLOBAL "module\nname\n"
          ObjPtr o = Make(Obj::kGlobal);
          o->s = Line() + ".";
          o->s += Line();
          Push(o);
          break;
        }
        case 0x93: {                           // STACK_GLOBAL
          ObjPtr name = Pop(), module = Pop();
          if (module->kind != Obj::kStr || name->kind != Obj::kStr) Fail("STACK_GLOBAL without two strings");
          ObjPtr o = Make(Obj::kGlobal);
          o->s = module->s + "." + name->s;
          Push(o);
          break;
        }
        case 'q': Memo(Byte()); break;                                     // BINPUT
        case 'r': Memo(LoadUnsigned(Take(4), 4, false)); break;            // LONG_BINPUT
        case 0x94: Memo(memo_.size()); break;                              // MEMOIZE
        case 'h': Push(Get(Byte())); break;                                // BINGET
        case 'j': Push(Get(LoadUnsigned(Take(4), 4, false))); break;       // LONG_BINGET
        case ')': Push(Make(Obj::kTuple)); break;
        case ']': Push(Make(Obj::kList)); break;
        case '}': Push(Make(Obj::kDict)); break;
        case 't': {
          ObjPtr o = Make(Obj::kTuple);
          o->items = PopToMark();
          Push(o);
          break;
        }
        case 0x85: case 0x86: case 0x87: {     // TUPLE1-3
          ObjPtr o = Make(Obj::kTuple);
          o->items.resize(op - 0x84);
          for (size_t k = o->items.size(); k-- > 0;) o->items[k] = Pop();
          Push(o);
          break;
        }
        case 'a': {                            // APPEND
          ObjPtr v = Pop();
          Expect(Top(), Obj::kList, "APPEND")->items.push_back(v);
          break;
        }
        case 'e': {                            // APPENDS
          std::vector<ObjPtr> v = PopToMark();
          ObjPtr l = Expect(Top(), Obj::kList, "APPENDS");
          l->items.insert(l->items.end(), v.begin(), v.end());
          break;
        }
        case 's': {                            // SETITEM
          ObjPtr v = Pop(), k = Pop();
          Expect(Top(), Obj::kDict, "SETITEM")->entries.push_back({k, v});
          break;
        }
        case 'u': {                            // SETITEMS
          std::vector<ObjPtr> kv = PopToMark();
          if (kv.size() % 2) Fail("SETITEMS with an odd count");
          ObjPtr d = Expect(Top(), Obj::kDict, "SETITEMS");
          for (size_t k = 0; k < kv.size(); k += 2) d->entries.push_back({kv[k], kv[k + 1]});
          break;
        }
        case 'b': Pop(); Top(); break;         // BUILD: the state of a tensor or dict is not needed
        case 'Q': Push(Storage(Pop())); break; // BINPERSID
        case 'R': {                            // REDUCE
          ObjPtr args = Pop(), fn = Pop();
          Push(Call(fn, args));
          break;
        }
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          Fail(std::string("opcode ") + hex + " at byte " + std::to_string(pos_ - 1) +
               ", which torch.save does not write");
        }
      }
    }
  }

 private:
  [[noreturn]] void Fail(const std::string& why) { ThrowBadInput(path_, "torch.save pickle: " + why); }

  unsigned char Byte() { return *Take(1); }
  const unsigned char* Take(size_t n) {
    if (n > b_.size() - pos_) Fail("ends inside an opcode at byte " + std::to_string(pos_) + " (truncated)");
    const unsigned char* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string Line() {
    const size_t start = pos_;
    while (pos_ < b_.size() && b_[pos_] != '\n') ++pos_;
    if (pos_ >= b_.size()) Fail("a GLOBAL without its line end (truncated)");
    return std::string(reinterpret_cast<const char*>(b_.data()) + start, pos_++ - start);
  }
  void Push(ObjPtr o) {
    if (stack_.size() >= kMaxStack) Fail("more than " + std::to_string(kMaxStack) + " values on the stack");
    stack_.push_back(std::move(o));
  }
  void PushInt(int64_t v) {
    ObjPtr o = Make(Obj::kInt);
    o->i = v;
    Push(o);
  }
  void PushStr(Obj::Kind k, uint64_t n) {
    ObjPtr o = Make(k);
    const unsigned char* p = Take(n);
    o->s.assign(reinterpret_cast<const char*>(p), n);
    Push(o);
  }
  ObjPtr& Top() {
    if (stack_.empty() || stack_.back()->kind == Obj::kMark) Fail("an opcode at byte " + std::to_string(pos_ - 1) + " finds no value");
    return stack_.back();
  }
  ObjPtr Pop() {
    ObjPtr o = Top();
    stack_.pop_back();
    return o;
  }
  std::vector<ObjPtr> PopToMark() {
    size_t k = stack_.size();
    while (k > 0 && stack_[k - 1]->kind != Obj::kMark) --k;
    if (k == 0) Fail("no MARK before byte " + std::to_string(pos_ - 1));
    std::vector<ObjPtr> out(stack_.begin() + static_cast<std::ptrdiff_t>(k), stack_.end());
    stack_.resize(k - 1);
    return out;
  }
  ObjPtr Expect(const ObjPtr& o, Obj::Kind k, const char* op) {
    if (o->kind != k) Fail(std::string(op) + " on a value of the wrong kind at byte " + std::to_string(pos_ - 1));
    return o;
  }
  void Memo(uint64_t key) {
    if (key > kMaxStack) Fail("memo key " + std::to_string(key) + " beyond " + std::to_string(kMaxStack));
    memo_[key] = Top();
  }
  ObjPtr Get(uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) Fail("memo key " + std::to_string(key) + " read before it was written");
    return it->second;
  }
  int64_t Int(const ObjPtr& o, const char* what) {
    if (o->kind != Obj::kInt && o->kind != Obj::kBool) Fail(std::string(what) + " is not an integer");
    return o->i;
  }
  std::vector<int64_t> Ints(const ObjPtr& o, const char* what) {
    if (o->kind != Obj::kTuple && o->kind != Obj::kList) Fail(std::string(what) + " is not a tuple");
    if (o->items.size() > kMaxDims) Fail(std::string(what) + " has " + std::to_string(o->items.size()) + " dimensions");
    std::vector<int64_t> v;
    for (const ObjPtr& x : o->items) v.push_back(Int(x, what));
    return v;
  }
  // ('storage', torch.FloatStorage, key, location, numel)
  ObjPtr Storage(const ObjPtr& pid) {
    if (pid->kind != Obj::kTuple || pid->items.size() < 5 || pid->items[0]->kind != Obj::kStr || pid->items[0]->s != "storage")
      Fail("a persistent id that is not ('storage', type, key, location, size)");
    const ObjPtr& type = pid->items[1];
    if (type->kind != Obj::kGlobal) Fail("a storage type that is not a class");
    const char* dtype = StorageDtype(type->s);
    if (!dtype) Fail("storage " + type->s + " is not read (bfloat16, quantised and other storages are not)");
    if (pid->items[2]->kind != Obj::kStr) Fail("a storage key that is not a string");
    const int64_t numel = Int(pid->items[4], "a storage's size");
    if (numel < 0 || static_cast<uint64_t>(numel) > kMaxArrayElements)
      Fail("storage '" + pid->items[2]->s + "' declares " + std::to_string(numel) + " elements (at most " +
           std::to_string(kMaxArrayElements) + " are read)");
    ObjPtr o = Make(Obj::kStorage);
    o->s = pid->items[2]->s;
    o->dtype = dtype;
    o->numel = static_cast<uint64_t>(numel);
    return o;
  }
  ObjPtr Call(const ObjPtr& fn, const ObjPtr& args) {
    if (fn->kind != Obj::kGlobal) Fail("REDUCE on a value that is not a class or function");
    if (args->kind != Obj::kTuple) Fail("REDUCE without an argument tuple");
    const std::string& f = fn->s;
    const std::vector<ObjPtr>& a = args->items;
    if (f == "collections.OrderedDict") return Make(Obj::kDict);
    if (f == "torch._utils._rebuild_tensor_v2" || f == "torch._utils._rebuild_tensor") {
      if (a.size() < 4 || a[0]->kind != Obj::kStorage) Fail(f + " without (storage, offset, size, stride)");
      ObjPtr t = Make(Obj::kTensor);
      t->storage = a[0];
      t->offset = Int(a[1], "a tensor's storage offset");
      t->shape = Ints(a[2], "a tensor's size");
      t->stride = Ints(a[3], "a tensor's stride");
      if (t->shape.size() != t->stride.size()) Fail("a tensor's size and stride differ in length");
      return t;
    }
    if (f == "torch._utils._rebuild_parameter" || f == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty() || a[0]->kind != Obj::kTensor) Fail(f + " without a tensor");
      return a[0];
    }
    if (f == "torch._tensor._rebuild_from_type_v2" || f == "torch._tensor._rebuild_from_type") {
      if (a.size() < 3 || a[2]->kind != Obj::kTuple) Fail(f + " without (function, type, args)");
      if (++depth_ > 8) Fail(f + " nested more than 8 deep");
      ObjPtr r = Call(a[0], a[2]);
      --depth_;
      return r;
    }
    Fail("calls " + f + ", which specrecon does not run (it reads tensors, dicts, lists, tuples, numbers and strings)");
  }

  const std::string& path_;
  const std::vector<unsigned char>& b_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<ObjPtr> stack_;
  std::map<uint64_t, ObjPtr> memo_;
};

struct Found {
  std::string name;
  ObjPtr obj;
};

// Tensors (and numbers kept in dicts beside them) in the order the object holds them.
void Collect(const ObjPtr& o, const std::string& name, int depth, std::vector<Found>* out, std::vector<std::string>* skipped,
             const std::string& path) {
  if (depth > 32) ThrowBadInput(path, "torch.save pickle: containers nested more than 32 deep");
  if (out->size() > kMaxTensors) ThrowBadInput(path, "torch.save pickle: more than " + std::to_string(kMaxTensors) + " arrays");
  auto child = [&](const std::string& key) { return name.empty() ? key : name + "." + key; };
  switch (o->kind) {
    case Obj::kTensor: out->push_back({name, o}); break;
    case Obj::kInt: case Obj::kFloat: case Obj::kBool:
      if (!name.empty()) out->push_back({name, o});
      break;
    case Obj::kTuple: case Obj::kList:
      for (size_t k = 0; k < o->items.size(); ++k) Collect(o->items[k], child(std::to_string(k)), depth + 1, out, skipped, path);
      break;
    case Obj::kDict:
      for (const auto& [k, v] : o->entries) {
        std::string key = k->kind == Obj::kStr ? k->s : k->kind == Obj::kInt ? std::to_string(k->i) : "?";
        Collect(v, child(key), depth + 1, out, skipped, path);
      }
      break;
    default:
      if (!name.empty()) skipped->push_back(name);
  }
}

}  // namespace

std::vector<NdArray> DecodeTorchPickle(
    const std::string& path, const std::vector<unsigned char>& bytes, const std::string& byte_order,
    const std::function<std::vector<unsigned char>(const std::string& key, const std::string& dtype, uint64_t numel)>& storage_bytes) {
  Unpickler u(path, bytes);
  const ObjPtr root = u.Run();
  std::vector<Found> found;
  std::vector<std::string> skipped;
  Collect(root, "", 0, &found, &skipped, path);
  size_t tensors = 0;
  for (const Found& f : found) tensors += f.obj->kind == Obj::kTensor;
  if (tensors == 0) ThrowBadInput(path, "torch.save archive holds no tensor");
  std::map<std::string, std::vector<unsigned char>> storages;  // by key: views share them
  std::vector<NdArray> out;
  for (const Found& f : found) {
    NdArray a;
    a.info.path = path;
    a.info.format = "torch";
    a.info.name = f.name;
    a.info.dtype_given = true;
    const std::string what = f.name.empty() ? "the tensor" : "tensor '" + f.name + "'";
    if (f.obj->kind != Obj::kTensor) {  // a number saved beside the tensors
      a.info.dtype = f.obj->kind == Obj::kFloat ? "float64" : "int64";
      a.info.byte_order = "none";
      a.values.push_back(f.obj->kind == Obj::kFloat ? f.obj->f : static_cast<double>(f.obj->i));
      a.info.note = "torch.save: a Python number";
      out.push_back(std::move(a));
      continue;
    }
    const Obj& t = *f.obj;
    const Obj& st = *t.storage;
    std::vector<uint64_t> dims;
    for (int64_t d : t.shape) {
      if (d < 0) ThrowBadInput(path, "torch.save pickle: " + what + " has a negative size");
      dims.push_back(static_cast<uint64_t>(d));
    }
    const uint64_t n = CheckedElementCount(dims, path, what);
    if (t.offset < 0) ThrowBadInput(path, "torch.save pickle: " + what + " has a negative storage offset");
    // The last element the view reaches must lie inside the storage.
    uint64_t reach = static_cast<uint64_t>(t.offset);
    for (size_t k = 0; k < dims.size() && n > 0; ++k) {
      if (t.stride[k] < 0) ThrowBadInput(path, "torch.save pickle: " + what + " has a negative stride");
      const uint64_t s = static_cast<uint64_t>(t.stride[k]);
      if (s > 0 && dims[k] - 1 > (kMaxArrayElements * 2) / s) ThrowBadInput(path, "torch.save pickle: " + what + " strides beyond any storage");
      reach += (dims[k] - 1) * s;
    }
    if (n > 0 && reach >= st.numel)
      ThrowBadInput(path, "torch.save pickle: " + what + " (" + DimsText(dims) + ", offset " + std::to_string(t.offset) +
                              ") reaches element " + std::to_string(reach) + " of a storage of " + std::to_string(st.numel));
    auto it = storages.find(st.s);
    if (it == storages.end()) it = storages.emplace(st.s, storage_bytes(st.s, st.dtype, st.numel)).first;
    const unsigned char* base = it->second.data();
    const size_t es = ElementSize(st.dtype);
    a.info.dtype = st.dtype;
    a.info.byte_order = es == 1 || st.dtype == "bool" ? "none" : byte_order;
    a.info.shape.assign(dims.begin(), dims.end());
    // Storage order when the view is contiguous either way; otherwise gathered in C order.
    bool c_order = true, f_order = true;
    uint64_t expect = 1;
    for (size_t k = dims.size(); k-- > 0;) {
      if (dims[k] > 1 && static_cast<uint64_t>(t.stride[k]) != expect) c_order = false;
      expect *= dims[k];
    }
    expect = 1;
    for (size_t k = 0; k < dims.size(); ++k) {
      if (dims[k] > 1 && static_cast<uint64_t>(t.stride[k]) != expect) f_order = false;
      expect *= dims[k];
    }
    a.info.fortran_order = !c_order && f_order;
    const bool complex = IsComplexDtype(st.dtype);
    a.values.resize(n);
    if (complex) a.imag.resize(n);
    auto decode = [&](uint64_t element, uint64_t count, uint64_t to) {
      const unsigned char* p = base + element * es;
      const bool ok = complex ? DecodeComplexElements(p, count, st.dtype, a.info.byte_order, &a.values[to], &a.imag[to])
                              : DecodeElements(p, count, st.dtype, a.info.byte_order, &a.values[to]);
      if (!ok) ThrowBadInput(path, "torch.save pickle: " + what + " has element type " + st.dtype + ", which is not decoded");
    };
    if (n > 0 && (c_order || f_order)) {
      decode(static_cast<uint64_t>(t.offset), n, 0);
    } else if (n > 0) {
      std::vector<uint64_t> at(dims.size(), 0);
      for (uint64_t k = 0; k < n; ++k) {
        uint64_t e = static_cast<uint64_t>(t.offset);
        for (size_t d = 0; d < dims.size(); ++d) e += at[d] * static_cast<uint64_t>(t.stride[d]);
        decode(e, 1, k);
        for (size_t d = dims.size(); d-- > 0;) {
          if (++at[d] < dims[d]) break;
          at[d] = 0;
        }
      }
      a.info.note = "a strided view, gathered in C order; ";
    }
    a.info.note = "torch.save: " + a.info.note + "storage '" + st.s + "' (" + std::to_string(st.numel) + " elements), offset " +
                   std::to_string(t.offset) + (a.info.fortran_order ? ", column-major strides" : "");
    out.push_back(std::move(a));
  }
  if (!skipped.empty()) {
    std::string list;
    for (const std::string& s : skipped) list += (list.empty() ? "" : ", ") + s;
    for (NdArray& a : out) a.info.note += "; also in the archive, not numbers: " + list;
  }
  return out;
}

std::vector<NdArray> ReadTorchArchive(const std::string& path, const std::string& prefix, const TorchMemberReader& read) {
  std::string byte_order = "little";
  std::vector<unsigned char> bytes;
  // PyTorch 1.10 and later say the byte order; earlier archives were written little-endian.
  if (read(prefix + "byteorder", 0, 16, &bytes)) {
    const std::string s(bytes.begin(), bytes.end());
    if (s != "big" && s != "little")
      ThrowBadInput(path, "torch.save archive: its byteorder member says '" + s + "', neither little nor big");
    byte_order = s;
  }
  if (!read(prefix + "data.pkl", 0, kMaxPickleBytes, &bytes)) ThrowBadInput(path, "torch.save archive: no " + prefix + "data.pkl");
  const std::vector<unsigned char> pickle = std::move(bytes);
  return DecodeTorchPickle(path, pickle, byte_order, [&](const std::string& key, const std::string& dtype, uint64_t numel) {
    std::vector<unsigned char> b;
    const uint64_t size = numel * ElementSize(dtype);
    if (!read(prefix + "data/" + key, size, size, &b))
      ThrowBadInput(path, "torch.save archive: storage '" + key + "' has no member " + prefix + "data/" + key);
    return b;
  });
}

}  // namespace specrecon
