#include "provider/framework/data_source.h"

#include "provider/framework/not_available.h"

namespace encore::framework {

void DataSource::Read(const DataReadRequest& req,
                      DataReadResponse& resp) const {
  internal::AddNotAvailable(type_name(), "reading", resp.diags);
}

}  // namespace encore::framework
