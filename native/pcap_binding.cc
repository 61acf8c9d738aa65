// wirelite's libpcap binding: the smallest native surface live capture needs, parsed in TypeScript.
//
// - Handle(device, options): pcap_create + options (snaplen, promiscuous, immediate mode, kernel
//   buffer size, read timeout, nanosecond time stamps, time stamp type) + pcap_activate, then
//   optionally pcap_set_datalink. The handle is non-blocking: read() polls the capture descriptor
//   itself, with a timeout, so the caller's loop can stop between calls.
// - read(buffer, timeoutMs, maxPackets): copies as many packets as fit into the caller's buffer
//   (many per call). Each record: 24-byte header of native-endian u32s
//   [secLo, secHi, nsec, caplen, origlen, 0], then caplen bytes, padded to 8. A packet that does
//   not fit waits inside the handle for the next call, so none is ever lost between batches.
// - setFilter (pcap_compile + pcap_setfilter, libpcap's message on error), datalink, stats
//   (ps_recv, ps_drop, ps_ifdrop), inject (pcap_inject), close (frees everything; idempotent).
// - findAllDevs (names, descriptions, flags, addresses), libVersion, compileFilter (validate a
//   filter without a device), timestampTypes.
//
// Every method of a closed handle throws an Error with code ECLOSED instead of touching freed
// memory; close() twice is a no-op; the finalizer closes a handle that was never closed.

#include <napi.h>
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr size_t kRecordHeader = 24;

inline size_t pad8(size_t n) { return (n + 7) & ~static_cast<size_t>(7); }

Napi::Error codedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

// The error code of a pcap_activate/pcap_create failure, as our TypeScript layer names it.
const char* activateCode(int status) {
  switch (status) {
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return "EPERM";
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return "ENODEV";
    case PCAP_ERROR_IFACE_NOT_UP:
      return "ENETDOWN";
    case PCAP_ERROR_RFMON_NOTSUP:
    case PCAP_ERROR_NOT_RFMON:
      return "ENOTSUP";
    case PCAP_ERROR_CANTSET_TSTAMP_TYPE:
    case PCAP_ERROR_TSTAMP_PRECISION_NOTSUP:
      return "ETSTAMP";
    default:
      return "EPCAP";
  }
}

std::string addrText(const struct sockaddr* sa) {
  if (sa == nullptr) return std::string();
  char buf[INET6_ADDRSTRLEN + 1] = {0};
  switch (sa->sa_family) {
    case AF_INET:
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
      return buf;
    case AF_INET6:
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
      return buf;
    case AF_PACKET: {
      const auto* ll = reinterpret_cast<const sockaddr_ll*>(sa);
      std::string out;
      for (int i = 0; i < ll->sll_halen && i < 8; i++) {
        char b[4];
        snprintf(b, sizeof b, i ? ":%02x" : "%02x", ll->sll_addr[i]);
        out += b;
      }
      return out;
    }
    default:
      return std::string();
  }
}

const char* familyName(int family) {
  switch (family) {
    case AF_INET:
      return "inet";
    case AF_INET6:
      return "inet6";
    case AF_PACKET:
      return "link";
    default:
      return "other";
  }
}

class Handle : public Napi::ObjectWrap<Handle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "PcapHandle",
                       {
                           InstanceMethod<&Handle::Read>("read"),
                           InstanceMethod<&Handle::SetFilter>("setFilter"),
                           InstanceMethod<&Handle::Datalink>("datalink"),
                           InstanceMethod<&Handle::ListDatalinks>("listDatalinks"),
                           InstanceMethod<&Handle::Snapshot>("snapshot"),
                           InstanceMethod<&Handle::Nanoseconds>("nanoseconds"),
                           InstanceMethod<&Handle::Warning>("warning"),
                           InstanceMethod<&Handle::Stats>("stats"),
                           InstanceMethod<&Handle::Inject>("inject"),
                           InstanceMethod<&Handle::Close>("close"),
                           InstanceMethod<&Handle::IsOpen>("isOpen"),
                           InstanceMethod<&Handle::TakeLinkDown>("takeLinkDown"),
                       });
  }

  // new PcapHandle(device, {snaplen, promisc, immediate, bufferSize, timeoutMs, nanoseconds,
  //                         tstampType, linkType})
  explicit Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "device name expected");
    std::string device = info[0].As<Napi::String>();
    Napi::Object o = info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>() : Napi::Object::New(env);
    auto num = [&](const char* k, int def) {
      Napi::Value v = o.Get(k);
      return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : def;
    };
    auto flag = [&](const char* k, bool def) {
      Napi::Value v = o.Get(k);
      return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
    };

    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* p = pcap_create(device.c_str(), errbuf);
    if (p == nullptr) throw codedError(env, "EPCAP", errbuf);

    int snaplen = num("snaplen", 262144);
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, flag("promisc", true) ? 1 : 0);
    pcap_set_immediate_mode(p, flag("immediate", false) ? 1 : 0);
    pcap_set_timeout(p, num("timeoutMs", 100));
    int bufferSize = num("bufferSize", 0);
    if (bufferSize > 0) pcap_set_buffer_size(p, bufferSize);
    if (flag("nanoseconds", true)) {
      // Not every platform offers nanoseconds; then we fall back to microseconds (scaled later).
      pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
    }
    Napi::Value tsType = o.Get("tstampType");
    if (tsType.IsString()) {
      std::string name = tsType.As<Napi::String>();
      int t = pcap_tstamp_type_name_to_val(name.c_str());
      if (t < 0) {
        pcap_close(p);
        throw codedError(env, "ETSTAMP", "unknown time stamp type \"" + name + "\"");
      }
      int r = pcap_set_tstamp_type(p, t);
      if (r == PCAP_WARNING_TSTAMP_TYPE_NOTSUP) warning_ = "time stamp type " + name + " is not supported by " + device + "; using the default";
      else if (r < 0) {
        pcap_close(p);
        throw codedError(env, "ETSTAMP", "cannot set time stamp type " + name + " on " + device);
      }
    }

    int status = pcap_activate(p);
    if (status < 0) {
      std::string msg = pcap_geterr(p);
      if (msg.empty()) msg = pcap_statustostr(status);
      const char* code = activateCode(status);
      pcap_close(p);
      throw codedError(env, code, msg);
    }
    if (status > 0) {
      std::string w = pcap_geterr(p);
      if (w.empty()) w = pcap_statustostr(status);
      if (!warning_.empty()) warning_ += "; ";
      warning_ += w;
    }

    Napi::Value lt = o.Get("linkType");
    if (lt.IsNumber()) {
      if (pcap_set_datalink(p, lt.As<Napi::Number>().Int32Value()) < 0) {
        std::string msg = pcap_geterr(p);
        pcap_close(p);
        throw codedError(env, "ELINKTYPE", msg);
      }
    }

    if (pcap_setnonblock(p, 1, errbuf) < 0) {
      pcap_close(p);
      throw codedError(env, "EPCAP", errbuf);
    }
    p_ = p;
    device_ = device;
    fd_ = pcap_get_selectable_fd(p);
    snaplen_ = pcap_snapshot(p);
    nano_ = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
  }

  ~Handle() override { CloseNow(); }

 private:
  pcap_t* p_ = nullptr;
  int fd_ = -1;
  int snaplen_ = 0;
  bool nano_ = false;
  std::string warning_;
  std::string device_;
  // Set when the interface was seen going down (libpcap keeps the capture open and says nothing).
  bool linkDown_ = false;
  // A packet read that did not fit the caller's buffer, delivered first by the next read().
  bool hasStash_ = false;
  struct pcap_pkthdr stashHdr_ {};
  std::vector<uint8_t> stash_;
  // An error met after some packets of a batch were copied: reported by the next read().
  std::string pendingError_;
  const char* pendingCode_ = nullptr;

  void CloseNow() {
    if (p_ != nullptr) {
      pcap_close(p_);
      p_ = nullptr;
      fd_ = -1;
    }
    hasStash_ = false;
    std::vector<uint8_t>().swap(stash_);
  }

  void Check(Napi::Env env) {
    if (p_ == nullptr) throw codedError(env, "ECLOSED", "capture handle is closed");
  }

  static void WriteRecord(uint8_t* at, const struct pcap_pkthdr* h, const uint8_t* data, bool nano) {
    uint64_t sec = static_cast<uint64_t>(h->ts.tv_sec);
    uint32_t nsec = nano ? static_cast<uint32_t>(h->ts.tv_usec) : static_cast<uint32_t>(h->ts.tv_usec) * 1000u;
    uint32_t hdr[6] = {static_cast<uint32_t>(sec & 0xffffffffu), static_cast<uint32_t>(sec >> 32), nsec, h->caplen, h->len, 0};
    std::memcpy(at, hdr, kRecordHeader);
    std::memcpy(at + kRecordHeader, data, h->caplen);
    size_t padded = pad8(h->caplen);
    if (padded > h->caplen) std::memset(at + kRecordHeader + h->caplen, 0, padded - h->caplen);
  }

  // read(buffer: Uint8Array, timeoutMs: number, maxPackets?: number): number of packets copied.
  Napi::Value Read(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Check(env);
    if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(env, "read(buffer: Uint8Array, timeoutMs, maxPackets?)");
    Napi::Uint8Array arr = info[0].As<Napi::Uint8Array>();
    uint8_t* base = arr.Data();
    size_t cap = arr.ByteLength();
    int timeoutMs = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
    int64_t maxPackets = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int64Value() : INT64_MAX;
    if (maxPackets <= 0) maxPackets = INT64_MAX;
    if (cap < kRecordHeader + pad8(static_cast<size_t>(snaplen_))) {
      throw Napi::RangeError::New(env, "read buffer is smaller than one record of the snapshot length");
    }

    size_t off = 0;
    int64_t count = 0;
    if (hasStash_) {
      WriteRecord(base, &stashHdr_, stash_.data(), nano_);
      off = kRecordHeader + pad8(stashHdr_.caplen);
      count = 1;
      hasStash_ = false;
    }
    if (pendingCode_ != nullptr) {
      if (count > 0) return Napi::Number::New(env, static_cast<double>(count));
      const char* code = pendingCode_;
      pendingCode_ = nullptr;
      throw codedError(env, code, pendingError_);
    }

    bool waited = false;
    while (count < maxPackets) {
      struct pcap_pkthdr* h = nullptr;
      const u_char* data = nullptr;
      int r = pcap_next_ex(p_, &h, &data);
      if (r == 1) {
        size_t need = kRecordHeader + pad8(h->caplen);
        if (off + need > cap) {
          stashHdr_ = *h;
          stash_.assign(data, data + h->caplen);
          hasStash_ = true;
          break;
        }
        WriteRecord(base + off, h, data, nano_);
        off += need;
        count++;
        continue;
      }
      if (r == 0) {
        if (count > 0 || waited || timeoutMs <= 0) break;
        struct pollfd pfd = {fd_, POLLIN, 0};
        int pr = poll(&pfd, 1, timeoutMs);
        waited = true;
        if (pr > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
          // Let libpcap read the socket error (it names "the interface went down"); if it still has
          // nothing to say, report the socket's own error.
          r = pcap_next_ex(p_, &h, &data);
          if (r == 1) {
            size_t need = kRecordHeader + pad8(h->caplen);
            WriteRecord(base + off, h, data, nano_);  // the buffer is empty here: it fits
            off += need;
            count++;
            continue;
          }
          if (r == 0) {
            int soerr = 0;
            socklen_t len = sizeof soerr;
            getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len);
            if (soerr == ENETDOWN) throw codedError(env, "ENETDOWN", "The interface went down");
            if (soerr == ENXIO || soerr == ENODEV) throw codedError(env, "ENODEV", "The interface disappeared");
            if (pfd.revents & POLLHUP) throw codedError(env, "ENODEV", "Hangup on packet socket (the interface disappeared)");
            if (soerr != 0) throw codedError(env, "EPCAP", std::strerror(soerr));
            // libpcap took an ENETDOWN and keeps going because the device still exists: it was
            // taken down. Packets resume when it comes back up; remember it for the caller.
            if (!InterfaceUp()) linkDown_ = true;
            continue;
          }
        }
        continue;
      }
      if (r == PCAP_ERROR_BREAK) break;
      // An error (the interface went down, disappeared, ...): deliver what we have first.
      std::string msg = pcap_geterr(p_);
      const char* code = "EPCAP";
      if (msg.find("went down") != std::string::npos || msg.find("ENETDOWN") != std::string::npos) code = "ENETDOWN";
      else if (msg.find("disappeared") != std::string::npos || msg.find("No such device") != std::string::npos) code = "ENODEV";
      if (count > 0) {
        pendingError_ = msg;
        pendingCode_ = code;
        break;
      }
      throw codedError(env, code, msg);
    }
    return Napi::Number::New(env, static_cast<double>(count));
  }

  // setFilter(expression: string, optimize = true): compiles and installs a BPF filter.
  Napi::Value SetFilter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Check(env);
    if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "setFilter(expression: string)");
    std::string expr = info[0].As<Napi::String>();
    bool optimize = info.Length() > 1 && info[1].IsBoolean() ? info[1].As<Napi::Boolean>().Value() : true;
    struct bpf_program prog;
    if (pcap_compile(p_, &prog, expr.c_str(), optimize ? 1 : 0, PCAP_NETMASK_UNKNOWN) < 0) {
      throw codedError(env, "EBADFILTER", pcap_geterr(p_));
    }
    int r = pcap_setfilter(p_, &prog);
    pcap_freecode(&prog);
    if (r < 0) throw codedError(env, "EPCAP", pcap_geterr(p_));
    return env.Undefined();
  }

  Napi::Value Datalink(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::Number::New(info.Env(), pcap_datalink(p_));
  }

  Napi::Value ListDatalinks(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Check(env);
    int* list = nullptr;
    int n = pcap_list_datalinks(p_, &list);
    if (n < 0) throw codedError(env, "EPCAP", pcap_geterr(p_));
    Napi::Array out = Napi::Array::New(env, n);
    for (int i = 0; i < n; i++) out.Set(i, Napi::Number::New(env, list[i]));
    pcap_free_datalinks(list);
    return out;
  }

  Napi::Value Snapshot(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::Number::New(info.Env(), snaplen_);
  }

  Napi::Value Nanoseconds(const Napi::CallbackInfo& info) {
    Check(info.Env());
    return Napi::Boolean::New(info.Env(), nano_);
  }

  Napi::Value Warning(const Napi::CallbackInfo& info) {
    if (warning_.empty()) return info.Env().Undefined();
    return Napi::String::New(info.Env(), warning_);
  }

  // stats(): {received, dropped, ifDropped} as pcap_stats gives them.
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Check(env);
    struct pcap_stat st;
    std::memset(&st, 0, sizeof st);
    if (pcap_stats(p_, &st) < 0) throw codedError(env, "EPCAP", pcap_geterr(p_));
    Napi::Object o = Napi::Object::New(env);
    o.Set("received", Napi::Number::New(env, st.ps_recv));
    o.Set("dropped", Napi::Number::New(env, st.ps_drop));
    o.Set("ifDropped", Napi::Number::New(env, st.ps_ifdrop));
    return o;
  }

  // inject(bytes: Uint8Array): bytes sent.
  Napi::Value Inject(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Check(env);
    if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(env, "inject(bytes: Uint8Array)");
    Napi::Uint8Array a = info[0].As<Napi::Uint8Array>();
    // The descriptor is non-blocking: a full socket buffer is EAGAIN, so wait for room.
    for (int tries = 0;; tries++) {
      int n = pcap_inject(p_, a.Data(), a.ByteLength());
      if (n >= 0) return Napi::Number::New(env, n);
      std::string msg = pcap_geterr(p_);
      if (tries < 100 && (msg.find("Resource temporarily unavailable") != std::string::npos || msg.find("No buffer space") != std::string::npos)) {
        struct pollfd pfd = {fd_, POLLOUT, 0};
        poll(&pfd, 1, 10);
        continue;
      }
      const char* code = msg.find("not permitted") != std::string::npos ? "EPERM"
                         : msg.find("went down") != std::string::npos || msg.find("Network is down") != std::string::npos ? "ENETDOWN"
                                                                                                                     : "EPCAP";
      throw codedError(env, code, msg);
    }
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseNow();
    return info.Env().Undefined();
  }

  Napi::Value IsOpen(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), p_ != nullptr); }

  // takeLinkDown(): true once after the interface was seen going down.
  Napi::Value TakeLinkDown(const Napi::CallbackInfo& info) {
    bool v = linkDown_;
    linkDown_ = false;
    return Napi::Boolean::New(info.Env(), v);
  }

  bool InterfaceUp() {
    if (fd_ < 0 || device_.empty() || device_ == "any" || device_.size() >= IFNAMSIZ) return true;
    struct ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    std::memcpy(ifr.ifr_name, device_.data(), device_.size());
    if (ioctl(fd_, SIOCGIFFLAGS, &ifr) < 0) return true;
    return (ifr.ifr_flags & IFF_UP) != 0;
  }
};

// findAllDevs(): [{name, description?, loopback, up, running, wireless, connection, addresses}]
Napi::Value FindAllDevs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_if_t* devs = nullptr;
  if (pcap_findalldevs(&devs, errbuf) < 0) throw codedError(env, "EPCAP", errbuf);
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (pcap_if_t* d = devs; d != nullptr; d = d->next) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", d->name);
    if (d->description != nullptr) o.Set("description", d->description);
    o.Set("loopback", Napi::Boolean::New(env, (d->flags & PCAP_IF_LOOPBACK) != 0));
    o.Set("up", Napi::Boolean::New(env, (d->flags & PCAP_IF_UP) != 0));
    o.Set("running", Napi::Boolean::New(env, (d->flags & PCAP_IF_RUNNING) != 0));
    o.Set("wireless", Napi::Boolean::New(env, (d->flags & PCAP_IF_WIRELESS) != 0));
    const char* conn = "unknown";
    switch (d->flags & PCAP_IF_CONNECTION_STATUS) {
      case PCAP_IF_CONNECTION_STATUS_CONNECTED:
        conn = "connected";
        break;
      case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
        conn = "disconnected";
        break;
      case PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE:
        conn = "not applicable";
        break;
      default:
        break;
    }
    o.Set("connection", conn);
    Napi::Array addrs = Napi::Array::New(env);
    uint32_t j = 0;
    for (pcap_addr_t* a = d->addresses; a != nullptr; a = a->next) {
      if (a->addr == nullptr) continue;
      Napi::Object ao = Napi::Object::New(env);
      ao.Set("family", familyName(a->addr->sa_family));
      ao.Set("addr", addrText(a->addr));
      if (a->netmask != nullptr && a->netmask->sa_family == a->addr->sa_family) ao.Set("netmask", addrText(a->netmask));
      if (a->broadaddr != nullptr && a->broadaddr->sa_family == a->addr->sa_family) ao.Set("broadaddr", addrText(a->broadaddr));
      if (a->dstaddr != nullptr && a->dstaddr->sa_family == a->addr->sa_family) ao.Set("dstaddr", addrText(a->dstaddr));
      addrs.Set(j++, ao);
    }
    o.Set("addresses", addrs);
    out.Set(i++, o);
  }
  pcap_freealldevs(devs);
  return out;
}

Napi::Value LibVersion(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), pcap_lib_version()); }

// compileFilter(linkType, snaplen, expression): number of BPF instructions; throws EBADFILTER.
Napi::Value CompileFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString()) {
    throw Napi::TypeError::New(env, "compileFilter(linkType, snaplen, expression)");
  }
  pcap_t* p = pcap_open_dead(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value());
  if (p == nullptr) throw codedError(env, "EPCAP", "pcap_open_dead failed");
  std::string expr = info[2].As<Napi::String>();
  struct bpf_program prog;
  if (pcap_compile(p, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
    std::string msg = pcap_geterr(p);
    pcap_close(p);
    throw codedError(env, "EBADFILTER", msg);
  }
  uint32_t n = prog.bf_len;
  pcap_freecode(&prog);
  pcap_close(p);
  return Napi::Number::New(env, n);
}

// datalinkName(value): [name, description] or undefined; datalinkValue(name): value or -1.
Napi::Value DatalinkName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "datalinkName(value)");
  int v = info[0].As<Napi::Number>().Int32Value();
  const char* name = pcap_datalink_val_to_name(v);
  if (name == nullptr) return env.Undefined();
  const char* desc = pcap_datalink_val_to_description(v);
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, name);
  a.Set(1u, desc != nullptr ? desc : name);
  return a;
}

Napi::Value DatalinkValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "datalinkValue(name)");
  std::string name = info[0].As<Napi::String>();
  return Napi::Number::New(env, pcap_datalink_name_to_val(name.c_str()));
}

// timestampTypes(device): names of the time stamp types the device offers (may be empty).
Napi::Value TimestampTypes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "timestampTypes(device)");
  std::string device = info[0].As<Napi::String>();
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* p = pcap_create(device.c_str(), errbuf);
  Napi::Array out = Napi::Array::New(env);
  if (p == nullptr) return out;
  int* types = nullptr;
  int n = pcap_list_tstamp_types(p, &types);
  for (int i = 0; i < n; i++) {
    const char* name = pcap_tstamp_type_val_to_name(types[i]);
    out.Set(static_cast<uint32_t>(i), name != nullptr ? name : "unknown");
  }
  if (types != nullptr) pcap_free_tstamp_types(types);
  pcap_close(p);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PcapHandle", Handle::Define(env));
  exports.Set("findAllDevs", Napi::Function::New<FindAllDevs>(env, "findAllDevs"));
  exports.Set("libVersion", Napi::Function::New<LibVersion>(env, "libVersion"));
  exports.Set("compileFilter", Napi::Function::New<CompileFilter>(env, "compileFilter"));
  exports.Set("datalinkName", Napi::Function::New<DatalinkName>(env, "datalinkName"));
  exports.Set("datalinkValue", Napi::Function::New<DatalinkValue>(env, "datalinkValue"));
  exports.Set("timestampTypes", Napi::Function::New<TimestampTypes>(env, "timestampTypes"));
  exports.Set("recordHeaderBytes", Napi::Number::New(env, static_cast<double>(kRecordHeader)));
  return exports;
}

}  // namespace

NODE_API_MODULE(wirelite_pcap, Init)
