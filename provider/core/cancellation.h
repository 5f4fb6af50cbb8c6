// CancellationToken: how StopProvider reaches in-flight work. Long work
// (waiting for an agent, an approval, a backend) polls cancelled() or waits
// with WaitFor(), which returns early once Cancel() is called. Thread-safe.
#ifndef ENCORE_PROVIDER_CORE_CANCELLATION_H_
#define ENCORE_PROVIDER_CORE_CANCELLATION_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace encore {

class CancellationToken {
 public:
  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_.store(true);
    }
    cv_.notify_all();
  }
  bool cancelled() const { return cancelled_.load(); }
  // Sleeps up to `d`; returns true if cancelled (at once or meanwhile).
  bool WaitFor(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, d, [this] { return cancelled_.load(); });
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace encore

#endif  // ENCORE_PROVIDER_CORE_CANCELLATION_H_
