#include "agent/cli/exit_codes.h"

namespace encore::agent::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
    case StatusCode::kPermissionDenied:
    case StatusCode::kUnauthenticated:
      return kExitUserError;
    case StatusCode::kUnavailable:
    case StatusCode::kUnimplemented:
    case StatusCode::kCancelled:
    case StatusCode::kInternal:
    case StatusCode::kDeadlineExceeded:
      return kExitFault;
  }
  return kExitFault;
}

}  // namespace encore::agent::cli
