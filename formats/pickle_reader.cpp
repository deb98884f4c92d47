#include "formats/pickle_reader.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>

#include <zlib.h>

#include "formats/byte_source.h"
#include "formats/decode.h"
#include "formats/limits.h"
#include "src/errors.h"

namespace specrecon {
namespace {

// Caps on what a pickle may build: torch.save writes a few opcodes per tensor, so these bound
// a hostile file's work and memory without limiting any real one.
constexpr uint64_t kMaxPickleBytes = uint64_t{64} << 20;
// A bare pickle holds its arrays' data: as large as the largest array read (float64).
constexpr uint64_t kMaxPickleFileBytes = kMaxArrayElements * 8 + (uint64_t{1} << 20);
constexpr size_t kMaxStack = 1 << 20;
// Values a pickle may push in all (each a few hundred bytes): a pickled Python list of 4 million
// floats is the most read; arrays pickled by numpy or torch push a few values each.
constexpr size_t kMaxValues = size_t{1} << 22;
constexpr size_t kMaxDims = 32;
constexpr size_t kMaxTensors = 4096;

struct Obj;
using ObjPtr = std::shared_ptr<Obj>;

struct Obj {
  enum Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kTuple, kList, kDict, kGlobal, kStorage, kTensor, kArray, kDtype, kMark } kind = kNone;
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
  // kArray (a numpy array: dtype, shape, data) and kDtype (dtype): byte order and column-major.
  std::string byte_order;
  bool fortran = false;
  std::string data;
  bool joblib = false;  // kArray: a joblib NumpyArrayWrapper, whose data follow its BUILD in the file
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
      {"torch.BoolStorage", "bool"},             {"torch.BFloat16Storage", "bfloat16"}};
  auto it = m.find(global);
  return it == m.end() ? nullptr : it->second;
}

class Unpickler {
 public:
  Unpickler(const std::string& path, const std::vector<unsigned char>& b) : path_(path), b_(b) {}
  // A pickle can make a container hold itself (a memoised list appended to itself); the links
  // between the objects it made are cut here, or those cycles of shared pointers would leak.
  ~Unpickler() {
    for (const ObjPtr& o : made_) {
      o->items.clear();
      o->entries.clear();
      o->storage.reset();
    }
  }
  Unpickler(const Unpickler&) = delete;
  Unpickler& operator=(const Unpickler&) = delete;

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
        case '(': Push(New(Obj::kMark)); break;
        case 'N': Push(New(Obj::kNone)); break;
        case 0x88: case 0x89: {                // NEWTRUE, NEWFALSE
          ObjPtr o = New(Obj::kBool);
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
          ObjPtr o = New(Obj::kFloat);
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
        case 0x8e: case 0x96: PushStr(Obj::kBytes, LoadUnsigned(Take(8), 8, false)); break;  // BINBYTES8, BYTEARRAY8
        case 'c': {                            // GLOBAL "module\nname\n"
          ObjPtr o = New(Obj::kGlobal);
          o->s = Line() + ".";
          o->s += Line();
          Push(o);
          break;
        }
        case 0x93: {                           // STACK_GLOBAL
          ObjPtr name = Pop(), module = Pop();
          if (module->kind != Obj::kStr || name->kind != Obj::kStr) Fail("STACK_GLOBAL without two strings");
          ObjPtr o = New(Obj::kGlobal);
          o->s = module->s + "." + name->s;
          Push(o);
          break;
        }
        case 'q': Memo(Byte()); break;                                     // BINPUT
        case 'r': Memo(LoadUnsigned(Take(4), 4, false)); break;            // LONG_BINPUT
        case 0x94: Memo(memo_.size()); break;                              // MEMOIZE
        case 'h': Push(Get(Byte())); break;                                // BINGET
        case 'j': Push(Get(LoadUnsigned(Take(4), 4, false))); break;       // LONG_BINGET
        case ')': Push(New(Obj::kTuple)); break;
        case ']': Push(New(Obj::kList)); break;
        case '}': Push(New(Obj::kDict)); break;
        case 't': {
          ObjPtr o = New(Obj::kTuple);
          o->items = PopToMark();
          Push(o);
          break;
        }
        case 0x85: case 0x86: case 0x87: {     // TUPLE1-3
          ObjPtr o = New(Obj::kTuple);
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
        case 'b': {                            // BUILD: a numpy array's or dtype's state; a tensor's or dict's is not needed
          ObjPtr state = Pop();
          Build(Top(), state);
          break;
        }
        case 'Q': Push(Storage(Pop())); break; // BINPERSID
        case 0x81: {                           // NEWOBJ: cls.__new__(cls, *args); joblib's array wrapper only
          ObjPtr args = Pop(), cls = Pop();
          if (cls->kind != Obj::kGlobal || cls->s != "joblib.numpy_pickle.NumpyArrayWrapper")
            Fail("makes a " + (cls->kind == Obj::kGlobal ? cls->s : std::string("value")) +
                 ", which specrecon does not make (it reads numpy arrays, joblib's among them, and tensors)");
          ObjPtr o = New(Obj::kArray);
          o->joblib = true;
          Push(o);
          break;
        }
        case 'R': {                            // REDUCE
          ObjPtr args = Pop(), fn = Pop();
          Push(Call(fn, args));
          break;
        }
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          Fail(std::string("opcode ") + hex + " at byte " + std::to_string(pos_ - 1) +
               ", which torch.save and pickle.dump of arrays do not write");
        }
      }
    }
  }

 private:
  ObjPtr New(Obj::Kind k) {
    made_.push_back(Make(k));
    return made_.back();
  }
  [[noreturn]] void Fail(const std::string& why) { ThrowBadInput(path_, "pickle: " + why); }

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
    if (++pushed_ > kMaxValues)
      Fail("more than " + std::to_string(kMaxValues) + " Python values (save large arrays with numpy.save or as numpy arrays)");
    stack_.push_back(std::move(o));
  }
  void PushInt(int64_t v) {
    ObjPtr o = New(Obj::kInt);
    o->i = v;
    Push(o);
  }
  void PushStr(Obj::Kind k, uint64_t n) {
    ObjPtr o = New(k);
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
  // numpy's type codes ('f4', 'c8', 'i2', 'b1') as numpy names.
  std::string NumpyDtype(const std::string& code) {
    static const std::map<std::string, const char*> m = {
        {"f2", "float16"}, {"f4", "float32"}, {"f8", "float64"}, {"c8", "complex64"}, {"c16", "complex128"},
        {"i1", "int8"},    {"i2", "int16"},   {"i4", "int32"},   {"i8", "int64"},     {"u1", "uint8"},
        {"u2", "uint16"},  {"u4", "uint32"},  {"u8", "uint64"},  {"b1", "bool"}};
    auto it = m.find(code);
    if (it == m.end()) Fail("numpy dtype '" + code + "' is not read (objects, strings, records and dates are not)");
    return it->second;
  }
  // UTF-8 text of code points below 256 as the bytes they stand for.
  std::string Latin1(const std::string& u) {
    std::string out;
    out.reserve(u.size());
    for (size_t k = 0; k < u.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(u[k]);
      if (c < 0x80) out += static_cast<char>(c);
      else if ((c == 0xC2 || c == 0xC3) && k + 1 < u.size() && (static_cast<unsigned char>(u[k + 1]) & 0xC0) == 0x80)
        out += static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(u[++k]) & 0x3F));
      else Fail("latin1 text with a code point above 255");
    }
    return out;
  }
  // BUILD: (version, shape, dtype, is_fortran, data) of a numpy array; (version, byte order, ...)
  // of a dtype. Other objects' state (a tensor's hooks, an OrderedDict's) is not needed.
  void Build(const ObjPtr& o, const ObjPtr& state) {
    if (o->kind == Obj::kDtype) {
      if (state->kind != Obj::kTuple || state->items.size() < 2 || state->items[1]->kind != Obj::kStr) Fail("a dtype's state without its byte order");
      const std::string& bo = state->items[1]->s;
      if (bo == "<") o->byte_order = "little";
      else if (bo == ">") o->byte_order = "big";
      else if (bo != "|" && bo != "=") Fail("a dtype's byte order '" + bo + "'");
      if (ElementSize(o->dtype) == 1) o->byte_order = "none";
      return;
    }
    if (o->kind != Obj::kArray) return;
    if (o->joblib) return BuildJoblib(o, state);
    if (state->kind != Obj::kTuple || state->items.size() < 5) Fail("a numpy array's state is not (version, shape, dtype, fortran, data)");
    const std::vector<ObjPtr>& st = state->items;
    if (st[2]->kind != Obj::kDtype) Fail("a numpy array's state without its dtype");
    if (st[4]->kind == Obj::kList) Fail("a numpy array of Python objects is not read");
    if (st[4]->kind != Obj::kBytes && st[4]->kind != Obj::kStr) Fail("a numpy array's data are not bytes");
    o->shape = Ints(st[1], "an array's shape");
    o->dtype = st[2]->dtype;
    o->byte_order = st[2]->byte_order;
    o->fortran = Int(st[3], "an array's fortran flag") != 0;
    o->data = st[4]->kind == Obj::kStr ? Latin1(st[4]->s) : st[4]->s;
  }
  // joblib.dump (compress=0, its default) writes an array as a NumpyArrayWrapper whose state is a
  // dict (subclass, shape, order, dtype, allow_mmap[, numpy_array_alignment_bytes]) and then,
  // right after the BUILD opcode, the array's bytes in `order` (joblib >= 1.2 first writes a
  // byte n and n bytes of padding, when the alignment key is there). The pickle goes on after them.
  void BuildJoblib(const ObjPtr& o, const ObjPtr& state) {
    if (state->kind != Obj::kDict) Fail("a joblib array's state is not a dict");
    ObjPtr shape, order, dtype, align;
    for (const auto& [k, v] : state->entries) {
      if (k->kind != Obj::kStr) continue;
      if (k->s == "shape") shape = v;
      else if (k->s == "order") order = v;
      else if (k->s == "dtype") dtype = v;
      else if (k->s == "numpy_array_alignment_bytes") align = v;
    }
    if (!shape || !order || !dtype || dtype->kind != Obj::kDtype || order->kind != Obj::kStr)
      Fail("a joblib array's state without its shape, order and dtype");
    o->shape = Ints(shape, "a joblib array's shape");
    o->dtype = dtype->dtype;
    o->byte_order = dtype->byte_order;
    o->fortran = order->s == "F";
    if (align && align->kind == Obj::kInt) Take(Byte());  // the padding's length, then the padding
    std::vector<uint64_t> dims;
    for (int64_t d : o->shape) {
      if (d < 0) Fail("a joblib array's shape has a negative dimension");
      dims.push_back(static_cast<uint64_t>(d));
    }
    const uint64_t n = CheckedElementCount(dims, path_, "a joblib array");
    const unsigned char* p = Take(n * ElementSize(o->dtype));
    o->data.assign(reinterpret_cast<const char*>(p), n * ElementSize(o->dtype));
  }
  // ('storage', torch.FloatStorage, key, location, numel)
  ObjPtr Storage(const ObjPtr& pid) {
    if (pid->kind != Obj::kTuple || pid->items.size() < 5 || pid->items[0]->kind != Obj::kStr || pid->items[0]->s != "storage")
      Fail("a persistent id that is not ('storage', type, key, location, size)");
    const ObjPtr& type = pid->items[1];
    if (type->kind != Obj::kGlobal) Fail("a storage type that is not a class");
    const char* dtype = StorageDtype(type->s);
    if (!dtype) Fail("storage " + type->s + " is not read (quantised and other storages are not)");
    if (pid->items[2]->kind != Obj::kStr) Fail("a storage key that is not a string");
    const int64_t numel = Int(pid->items[4], "a storage's size");
    if (numel < 0 || static_cast<uint64_t>(numel) > kMaxArrayElements)
      Fail("storage '" + pid->items[2]->s + "' declares " + std::to_string(numel) + " elements (at most " +
           std::to_string(kMaxArrayElements) + " are read)");
    ObjPtr o = New(Obj::kStorage);
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
    if (f == "collections.OrderedDict") return New(Obj::kDict);
    // numpy arrays: pickled through _reconstruct then BUILD (protocols 2-4), or _frombuffer (5).
    const std::string np = f.rfind("numpy.core.", 0) == 0 ? f.substr(11) : f.rfind("numpy._core.", 0) == 0 ? f.substr(12) : "";
    if (np == "multiarray._reconstruct") return New(Obj::kArray);
    if (f == "numpy.dtype") {
      if (a.empty() || a[0]->kind != Obj::kStr) Fail("numpy.dtype without a type code");
      ObjPtr d = New(Obj::kDtype);
      d->dtype = NumpyDtype(a[0]->s);
      d->byte_order = ElementSize(d->dtype) == 1 ? "none" : HostIsLittleEndian() ? "little" : "big";
      return d;
    }
    if (f == "_codecs.encode") {  // protocol 2's bytes: a str of code points 0-255, encoded latin1
      if (a.size() < 2 || a[0]->kind != Obj::kStr || a[1]->kind != Obj::kStr || a[1]->s != "latin1") Fail("_codecs.encode other than latin1");
      ObjPtr b = New(Obj::kBytes);
      b->s = Latin1(a[0]->s);
      return b;
    }
    if (np == "numeric._frombuffer") {
      if (a.size() < 4 || a[0]->kind != Obj::kBytes || a[1]->kind != Obj::kDtype || a[3]->kind != Obj::kStr)
        Fail(f + " without (buffer, dtype, shape, order)");
      ObjPtr arr = New(Obj::kArray);
      arr->dtype = a[1]->dtype;
      arr->byte_order = a[1]->byte_order;
      arr->shape = Ints(a[2], "an array's shape");
      arr->fortran = a[3]->s == "F";
      arr->data = a[0]->s;
      return arr;
    }
    if (np == "multiarray.scalar") {  // a numpy number (np.float64(16000.0))
      if (a.size() < 2 || a[0]->kind != Obj::kDtype || a[1]->kind != Obj::kBytes) Fail(f + " without (dtype, bytes)");
      ObjPtr arr = New(Obj::kArray);
      arr->dtype = a[0]->dtype;
      arr->byte_order = a[0]->byte_order;
      arr->data = a[1]->s;
      return arr;
    }
    if (f == "torch._utils._rebuild_tensor_v2" || f == "torch._utils._rebuild_tensor") {
      if (a.size() < 4 || a[0]->kind != Obj::kStorage) Fail(f + " without (storage, offset, size, stride)");
      ObjPtr t = New(Obj::kTensor);
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
  size_t pushed_ = 0;
  std::vector<ObjPtr> made_;  // every object made, for the destructor
  std::vector<ObjPtr> stack_;
  std::map<uint64_t, ObjPtr> memo_;
};

struct Found {
  std::string name;
  ObjPtr obj;
};

// The shape of a rectangular nested list (or tuple) of Python numbers, or false.
bool NumericShape(const ObjPtr& o, std::vector<int64_t>* shape, int depth) {
  if ((o->kind != Obj::kList && o->kind != Obj::kTuple) || depth > 32) return false;
  shape->push_back(static_cast<int64_t>(o->items.size()));
  if (o->items.empty()) return false;  // an empty list is no array
  auto number = [](const ObjPtr& x) { return x->kind == Obj::kInt || x->kind == Obj::kFloat; };
  if (number(o->items[0])) return std::all_of(o->items.begin(), o->items.end(), number);
  std::vector<int64_t> first;
  if (!NumericShape(o->items[0], &first, depth + 1)) return false;
  for (size_t k = 1; k < o->items.size(); ++k) {
    std::vector<int64_t> sk;
    if (!NumericShape(o->items[k], &sk, depth + 1) || sk != first) return false;
  }
  shape->insert(shape->end(), first.begin(), first.end());
  return true;
}

void FlattenNumbers(const ObjPtr& o, std::string* bytes) {
  if (o->kind == Obj::kList || o->kind == Obj::kTuple) {
    for (const ObjPtr& x : o->items) FlattenNumbers(x, bytes);
    return;
  }
  const double v = o->kind == Obj::kFloat ? o->f : static_cast<double>(o->i);
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  for (int k = 0; k < 8; ++k) bytes->push_back(static_cast<char>((bits >> (8 * k)) & 0xFF));
}

// Tensors, numpy arrays, nested lists of Python numbers (as float64 arrays, little-endian) and
// numbers kept in dicts beside them, in the order the object holds them.
void Collect(const ObjPtr& o, const std::string& name, int depth, std::vector<Found>* out, std::vector<std::string>* skipped,
             const std::string& path) {
  if (depth > 32) ThrowBadInput(path, "pickle: containers nested more than 32 deep");
  if (out->size() > kMaxTensors) ThrowBadInput(path, "pickle: more than " + std::to_string(kMaxTensors) + " arrays");
  auto child = [&](const std::string& key) { return name.empty() ? key : name + "." + key; };
  switch (o->kind) {
    case Obj::kTensor: case Obj::kArray: out->push_back({name, o}); break;
    case Obj::kInt: case Obj::kFloat: case Obj::kBool:
      if (!name.empty()) out->push_back({name, o});
      break;
    case Obj::kTuple: case Obj::kList: {
      std::vector<int64_t> shape;
      if (NumericShape(o, &shape, 0) && (shape.size() > 1 || o->items.size() > 1)) {
        ObjPtr arr = Make(Obj::kArray);
        arr->dtype = "float64";
        arr->byte_order = "little";
        arr->shape = shape;
        arr->s = "list";  // for the note
        FlattenNumbers(o, &arr->data);
        out->push_back({name, arr});
        break;
      }
      for (size_t k = 0; k < o->items.size(); ++k) Collect(o->items[k], child(std::to_string(k)), depth + 1, out, skipped, path);
      break;
    }
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

std::vector<NdArray> DecodePickle(
    const std::string& path, const std::string& format, const std::vector<unsigned char>& bytes, const std::string& byte_order,
    const std::function<std::vector<unsigned char>(const std::string& key, const std::string& dtype, uint64_t numel)>& storage_bytes) {
  const std::string what_file = format == "torch" ? "torch.save" : "pickle";
  Unpickler u(path, bytes);
  const ObjPtr root = u.Run();
  std::vector<Found> found;
  std::vector<std::string> skipped;
  Collect(root, "", 0, &found, &skipped, path);
  size_t arrays = 0;
  for (const Found& f : found) arrays += f.obj->kind == Obj::kTensor || f.obj->kind == Obj::kArray;
  if (arrays == 0) ThrowBadInput(path, what_file + " pickle holds no tensor or numpy array");
  std::map<std::string, std::vector<unsigned char>> storages;  // by key: views share them
  std::vector<NdArray> out;
  for (const Found& f : found) {
    NdArray a;
    a.info.path = path;
    a.info.format = format;
    a.info.name = f.name;
    a.info.dtype_given = true;
    const std::string kind = f.obj->kind == Obj::kArray ? "numpy array" : "tensor";
    const std::string what = f.name.empty() ? "the " + kind : kind + " '" + f.name + "'";
    if (f.obj->kind != Obj::kTensor && f.obj->kind != Obj::kArray) {  // a number saved beside the arrays
      a.info.dtype = f.obj->kind == Obj::kFloat ? "float64" : "int64";
      a.info.byte_order = "none";
      a.values.push_back(f.obj->kind == Obj::kFloat ? f.obj->f : static_cast<double>(f.obj->i));
      a.info.note = what_file + ": a Python number";
      out.push_back(std::move(a));
      continue;
    }
    if (f.obj->kind == Obj::kArray) {
      const Obj& arr = *f.obj;
      if (arr.dtype.empty()) ThrowBadInput(path, "pickle: " + what + " was never given its state (dtype, shape, data)");
      std::vector<uint64_t> dims;
      for (int64_t d : arr.shape) {
        if (d < 0) ThrowBadInput(path, "pickle: " + what + " has a negative size");
        dims.push_back(static_cast<uint64_t>(d));
      }
      const uint64_t n = CheckedElementCount(dims, path, what);
      const size_t es = ElementSize(arr.dtype);
      if (arr.data.size() != n * es)
        ThrowBadInput(path, "pickle: " + what + " (" + DimsText(dims) + ", " + arr.dtype + ") holds " + std::to_string(arr.data.size()) +
                                " data bytes where its shape needs " + std::to_string(n * es));
      a.info.dtype = arr.dtype;
      a.info.byte_order = arr.byte_order;
      a.info.shape.assign(dims.begin(), dims.end());
      a.info.fortran_order = arr.fortran && dims.size() > 1;
      a.values.resize(n);
      const unsigned char* p = reinterpret_cast<const unsigned char*>(arr.data.data());
      bool ok = true;
      if (IsComplexDtype(arr.dtype)) {
        a.imag.resize(n);
        ok = n == 0 || DecodeComplexElements(p, n, arr.dtype, arr.byte_order, a.values.data(), a.imag.data());
      } else {
        ok = n == 0 || DecodeElements(p, n, arr.dtype, arr.byte_order, a.values.data());
      }
      if (!ok) ThrowBadInput(path, "pickle: " + what + " has element type " + arr.dtype + ", which is not decoded");
      if (arr.s == "list") a.info.byte_order = "none";  // Python numbers, written here as doubles
      a.info.note = what_file + (arr.s == "list" ? ": a nested list of Python numbers" : ": a numpy array") +
                    std::string(a.info.fortran_order ? ", column-major" : "");
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
    for (NdArray& a : out) a.info.note += std::string("; also in the ") + (format == "torch" ? "archive" : "file") + ", not numbers: " + list;
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
  return DecodePickle(path, "torch", pickle, byte_order, [&](const std::string& key, const std::string& dtype, uint64_t numel) {
    std::vector<unsigned char> b;
    const uint64_t size = numel * ElementSize(dtype);
    if (!read(prefix + "data/" + key, size, size, &b))
      ThrowBadInput(path, "torch.save archive: storage '" + key + "' has no member " + prefix + "data/" + key);
    return b;
  });
}

// A bare pickle's storage reader: a tensor's storage is a torch.save archive's member.
static std::function<std::vector<unsigned char>(const std::string&, const std::string&, uint64_t)> NoStorages(const std::string& path) {
  return [path](const std::string&, const std::string&, uint64_t) -> std::vector<unsigned char> {
    ThrowBadInput(path, "pickle: holds a torch tensor, whose storage lives in a torch.save archive, not in a bare pickle");
  };
}

std::vector<NdArray> ReadPickle(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  if (size > kMaxPickleFileBytes)
    ThrowBadInput(path, "pickle of " + std::to_string(size) + " bytes: more than the " + std::to_string(kMaxPickleFileBytes) + " read");
  return DecodePickle(path, "pickle", ReadFileBytes(path, size), "little", NoStorages(path));
}

namespace {

// Inflates zlib or gzip `in` (auto-detected) into `out`, at most `cap` bytes (beyond: *over_cap,
// false). Returns true when the stream ends whole (or, head_only, when the head is used up).
// head_only: `in` is the file's first bytes, and their output so far (to `cap`) is enough.
bool Inflate(const unsigned char* in, size_t n, size_t cap, std::vector<unsigned char>* out, bool head_only, bool* over_cap) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return false;
  out->clear();
  *over_cap = false;
  std::vector<unsigned char> buf(1 << 16);
  z.next_in = const_cast<unsigned char*>(in);
  size_t fed = 0;  // input handed to zlib so far, in pieces of at most 1 GiB (avail_in is 32-bit)
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (z.avail_in == 0 && fed < n) {
      z.avail_in = static_cast<uInt>(std::min<size_t>(n - fed, size_t{1} << 30));
      fed += z.avail_in;
    }
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const size_t got = buf.size() - z.avail_out, keep = std::min(got, cap - out->size());
    out->insert(out->end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(keep));
    if (keep < got) {
      *over_cap = true;
      break;
    }
    if (rc == Z_BUF_ERROR && head_only) rc = Z_STREAM_END;  // the head ran out: enough
    if (rc == Z_OK && got == 0 && z.avail_in == 0 && fed == n) rc = head_only ? Z_STREAM_END : Z_BUF_ERROR;  // all input used
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END && !*over_cap;
}

}  // namespace

bool LooksLikeCompressedPickle(const unsigned char* head, size_t n) {
  if (n < 2 || !(head[0] == 0x78 || (head[0] == 0x1f && head[1] == 0x8b))) return false;
  std::vector<unsigned char> out;
  bool over = false;
  Inflate(head, n, 64, &out, true, &over);
  return out.size() >= 3 && out[0] == 0x80 && out[1] >= 2 && out[1] <= 5 &&
         (out[2] == 0x95 || out[2] == 'c' || out[2] == '}' || out[2] == ']' || out[2] == ')' || out[2] == '(');
}

std::vector<NdArray> ReadCompressedPickle(const std::string& path) {
  const uint64_t size = RegularFileSize(path);
  if (size > kMaxPickleFileBytes)
    ThrowBadInput(path, "compressed pickle of " + std::to_string(size) + " bytes: more than the " + std::to_string(kMaxPickleFileBytes) + " read");
  const std::vector<unsigned char> packed = ReadFileBytes(path, size);
  std::vector<unsigned char> bytes;
  bool over = false;
  if (!Inflate(packed.data(), packed.size(), kMaxPickleFileBytes, &bytes, false, &over))
    ThrowBadInput(path, over ? "compressed pickle inflates to more than " + std::to_string(kMaxPickleFileBytes) + " bytes"
                             : std::string("compressed pickle (zlib or gzip, as joblib.dump(compress=...) writes) is corrupt or truncated"));
  if (bytes.empty() || bytes.back() != '.') ThrowBadInput(path, "compressed pickle does not end with STOP: truncated");
  std::vector<NdArray> arrays = DecodePickle(path, "pickle", bytes, "little", NoStorages(path));
  for (NdArray& a : arrays) a.info.note += "; the pickle was " + std::string(packed[0] == 0x1f ? "gzip" : "zlib") + "-compressed (joblib's compress)";
  return arrays;
}

bool LooksLikePickle(const unsigned char* head, size_t n, unsigned char last) {
  if (n < 3 || head[0] != 0x80 || head[1] < 2 || head[1] > 5 || last != '.') return false;
  // What pickle.dump and torch.save write next: a frame (protocol 4-5), a global (a numpy
  // array), or an empty dict, list or tuple, or a mark.
  const unsigned char c = head[2];
  return c == 0x95 || c == 'c' || c == '}' || c == ']' || c == ')' || c == '(';
}

}  // namespace specrecon
