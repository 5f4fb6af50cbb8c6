# A mixed stack: this configuration owns a PostgreSQL server, a database and
# a role of its own on it; the Encore environment provisions the app's
# databases and service roles into the same server (database.existing_server)
# and touches nothing else there; Terraform reads Encore's database through
# the encore_sql_database data source and lets its own role read it.
#
#   encore-agent serve &
#   export TF_VAR_admin_password=... TF_VAR_analytics_password=...
#   terraform init && terraform apply
#   encore-agent runtime-config shop/dev --secrets true   # the app's view
#
# The server is started by postgres-server.sh (initdb + pg_ctl) in
# var.server_dir; `terraform destroy` drops what Encore made (deletion_policy
# defaults to delete outside production), then Terraform's database and
# role, then stops the server and removes its data. Run as root, the server
# runs as the `postgres` system user, which must be able to reach
# var.server_dir.
terraform {
  required_version = ">= 1.11"
  required_providers {
    encore = {
      source = "encoredev/encore"
    }
  }
}

provider "encore" {
  app = "shop"
  env = "dev"
}

variable "server_dir" {
  description = "Where the PostgreSQL server keeps its data (absolute path; default: .postgres next to this file)."
  type        = string
  default     = ""
}

variable "port" {
  description = "The PostgreSQL server's TCP port on 127.0.0.1."
  type        = number
  default     = 55432
}

variable "admin_password" {
  description = "The server's superuser (postgres) password; the agent uses it to create Encore's databases and roles."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "analytics_password" {
  description = "The password of Terraform's own role, analytics."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  server_dir = var.server_dir != "" ? var.server_dir : abspath("${path.root}/.postgres")
  server_sh  = abspath("${path.module}/postgres-server.sh")
}

# ---- Terraform's own PostgreSQL server, database and role ------------------

resource "terraform_data" "server" {
  input = {
    host   = "127.0.0.1"
    port   = var.port
    dir    = local.server_dir
    script = local.server_sh
  }

  provisioner "local-exec" {
    command = "\"$SCRIPT\" start \"$DIR\" \"$PORT\""
    environment = {
      SCRIPT                  = self.input.script
      DIR                     = self.input.dir
      PORT                    = self.input.port
      PGSERVER_ADMIN_PASSWORD = var.admin_password
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "\"$SCRIPT\" stop \"$DIR\""
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
    }
  }
}

resource "terraform_data" "analytics_role" {
  input = terraform_data.server.output

  provisioner "local-exec" {
    command = <<-EOT
      "$SCRIPT" psql "$DIR" "$PORT" <<'SQL'
      \set pw `printenv ANALYTICS_PASSWORD`
      CREATE ROLE analytics LOGIN PASSWORD :'pw' CONNECTION LIMIT 10;
      COMMENT ON ROLE analytics IS 'managed-by=terraform';
      SQL
    EOT
    environment = {
      SCRIPT             = self.input.script
      DIR                = self.input.dir
      PORT               = self.input.port
      ANALYTICS_PASSWORD = var.analytics_password
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "echo 'DROP ROLE IF EXISTS analytics;' | \"$SCRIPT\" psql \"$DIR\" \"$PORT\""
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
      PORT   = self.input.port
    }
  }
}

resource "terraform_data" "analytics_database" {
  input = terraform_data.analytics_role.output

  provisioner "local-exec" {
    command = <<-EOT
      "$SCRIPT" psql "$DIR" "$PORT" <<'SQL'
      CREATE DATABASE analytics OWNER analytics;
      COMMENT ON DATABASE analytics IS 'managed-by=terraform';
      SQL
    EOT
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
      PORT   = self.input.port
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "echo 'DROP DATABASE IF EXISTS analytics WITH (FORCE);' | \"$SCRIPT\" psql \"$DIR\" \"$PORT\""
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
      PORT   = self.input.port
    }
  }
}

# ---- the Encore app and its environment, on that server --------------------

resource "encore_app" "shop" {
  name = "shop"
  model = jsonencode({
    services = [
      { name = "orders", databases = ["orders"] },
      { name = "email", databases = ["orders"] },
    ]
    databases = [{ name = "orders" }]
  })
}

resource "encore_environment" "dev" {
  app   = encore_app.shop.name
  name  = "dev"
  type  = "development"
  cloud = "local"

  database {
    existing_server {
      host       = terraform_data.server.output.host
      port       = terraform_data.server.output.port
      admin_user = "postgres"
      # Write-only (Terraform 1.11+): never stored in plan or state.
      admin_password_wo         = var.admin_password
      admin_password_wo_version = 1
      sslmode                   = "disable"
    }
  }
}

# ---- Terraform reads Encore's database and lets its own role read it -------

data "encore_sql_database" "orders" {
  name       = "orders"
  depends_on = [encore_environment.dev]
}

# analytics may connect to Encore's database and read the tables its owner
# (the service role) makes; destroy takes the grants back.
resource "terraform_data" "analytics_grant" {
  input = merge(terraform_data.analytics_role.output, {
    database = data.encore_sql_database.orders.database
    owner    = data.encore_sql_database.orders.user
  })

  provisioner "local-exec" {
    command = <<-EOT
      "$SCRIPT" psql "$DIR" "$PORT" -v db="$DB" -v owner="$OWNER" <<'SQL'
      GRANT CONNECT ON DATABASE :"db" TO analytics;
      \connect :"db"
      GRANT USAGE ON SCHEMA public TO analytics;
      GRANT SELECT ON ALL TABLES IN SCHEMA public TO analytics;
      ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO analytics;
      SQL
    EOT
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
      PORT   = self.input.port
      DB     = self.input.database
      OWNER  = self.input.owner
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = <<-EOT
      "$SCRIPT" psql "$DIR" "$PORT" -v db="$DB" -v owner="$OWNER" <<'SQL'
      \connect :"db"
      ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public REVOKE SELECT ON TABLES FROM analytics;
      REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM analytics;
      REVOKE USAGE ON SCHEMA public FROM analytics;
      REVOKE CONNECT ON DATABASE :"db" FROM analytics;
      SQL
    EOT
    environment = {
      SCRIPT = self.input.script
      DIR    = self.input.dir
      PORT   = self.input.port
      DB     = self.input.database
      OWNER  = self.input.owner
    }
  }

  depends_on = [terraform_data.analytics_database]
}

output "server" {
  value = "${terraform_data.server.output.host}:${terraform_data.server.output.port}"
}

output "orders_database" {
  value = "${data.encore_sql_database.orders.host}:${data.encore_sql_database.orders.port}/${data.encore_sql_database.orders.database} as ${data.encore_sql_database.orders.user}"
}
