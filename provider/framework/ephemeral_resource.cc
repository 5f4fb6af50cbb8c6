#include "provider/framework/ephemeral_resource.h"

#include "provider/framework/not_available.h"

namespace encore::framework {

void EphemeralResource::Open(const OpenRequest& req, OpenResponse& resp) const {
  internal::AddNotAvailable(type_name(), "open", resp.diags);
}

void EphemeralResource::Renew(const RenewRequest& req,
                              RenewResponse& resp) const {
  internal::AddNotAvailable(type_name(), "renew", resp.diags);
}

void EphemeralResource::Close(const CloseRequest& req,
                              CloseResponse& resp) const {
  internal::AddNotAvailable(type_name(), "close", resp.diags);
}

}  // namespace encore::framework
