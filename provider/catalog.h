// The catalog: one factory per resource, data source, ephemeral resource
// and function the Encore provider offers. encore_provider.cc lists them
// all, explicitly, in one place (house rule 2). Each factory lives in its
// own file under resources/, data_sources/, ephemeral/ or functions/.
#ifndef ENCORE_PROVIDER_CATALOG_H_
#define ENCORE_PROVIDER_CATALOG_H_

#include <memory>

#include "provider/framework/data_source.h"
#include "provider/framework/ephemeral_resource.h"
#include "provider/framework/function.h"
#include "provider/framework/resource.h"

namespace encore::catalog {

using framework::DataSource;
using framework::EphemeralResource;
using framework::Function;
using framework::Resource;

// resources/
std::unique_ptr<Resource> NewAppResource();                 // encore_app
std::unique_ptr<Resource> NewEnvironmentResource();         // encore_environment
std::unique_ptr<Resource> NewPrimaryEnvironmentResource();  // encore_primary_environment
std::unique_ptr<Resource> NewSecretResource();              // encore_secret
std::unique_ptr<Resource> NewInfraOverrideResource();       // encore_infra_override

// data_sources/
std::unique_ptr<DataSource> NewAppDataSource();                  // encore_app
std::unique_ptr<DataSource> NewEnvironmentDataSource();          // encore_environment
std::unique_ptr<DataSource> NewEnvironmentsDataSource();         // encore_environments
std::unique_ptr<DataSource> NewSqlDatabaseDataSource();          // encore_sql_database
std::unique_ptr<DataSource> NewPubsubTopicDataSource();          // encore_pubsub_topic
std::unique_ptr<DataSource> NewPubsubSubscriptionDataSource();   // encore_pubsub_subscription
std::unique_ptr<DataSource> NewCacheDataSource();                // encore_cache
std::unique_ptr<DataSource> NewBucketDataSource();               // encore_bucket
std::unique_ptr<DataSource> NewServiceDataSource();              // encore_service
std::unique_ptr<DataSource> NewGatewayDataSource();              // encore_gateway

// ephemeral/
std::unique_ptr<EphemeralResource> NewDatabaseCredentialsEphemeral();  // encore_database_credentials

// functions/
std::unique_ptr<Function> NewConnectionStringFunction();  // connection_string
std::unique_ptr<Function> NewServiceUrlFunction();        // service_url

}  // namespace encore::catalog

#endif  // ENCORE_PROVIDER_CATALOG_H_
