CREATE TABLE "application_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"name" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"balance_limit" numeric(14, 2),
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "application_users_balance_limit_not_negative" CHECK ("application_users"."balance_limit" >= 0)
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"record_calls" boolean DEFAULT false NOT NULL,
	"record_retention_days" integer DEFAULT 90 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_account_id_key" UNIQUE("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid,
	"subuser_id" uuid,
	"attempted_login" text,
	"operation" text NOT NULL,
	"succeeded" boolean DEFAULT true NOT NULL,
	"target_type" text,
	"target_id" uuid,
	"client_ip" text,
	"changed_fields" text[],
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_scenarios" (
	"application_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"scenario_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "rule_scenarios_pkey" PRIMARY KEY("rule_id","position")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"name" text NOT NULL,
	"pattern" text NOT NULL,
	"exclude_pattern" text,
	"position" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_application_id_key" UNIQUE("application_id","id")
);
--> statement-breakpoint
CREATE TABLE "scenarios" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"application_id" uuid NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scenarios_application_id_key" UNIQUE("application_id","id")
);
--> statement-breakpoint
ALTER TABLE "application_users" ADD CONSTRAINT "application_users_application_fk" FOREIGN KEY ("account_id","application_id") REFERENCES "public"."applications"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_scenarios" ADD CONSTRAINT "rule_scenarios_rule_fk" FOREIGN KEY ("application_id","rule_id") REFERENCES "public"."rules"("application_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_scenarios" ADD CONSTRAINT "rule_scenarios_scenario_fk" FOREIGN KEY ("application_id","scenario_id") REFERENCES "public"."scenarios"("application_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rules" ADD CONSTRAINT "rules_application_fk" FOREIGN KEY ("account_id","application_id") REFERENCES "public"."applications"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scenarios" ADD CONSTRAINT "scenarios_application_fk" FOREIGN KEY ("account_id","application_id") REFERENCES "public"."applications"("account_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "application_users_application_name_key" ON "application_users" USING btree ("application_id","name");--> statement-breakpoint
CREATE INDEX "application_users_application_created_idx" ON "application_users" USING btree ("application_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_account_name_key" ON "applications" USING btree ("account_id",lower("name"));--> statement-breakpoint
CREATE INDEX "applications_account_created_idx" ON "applications" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "applications_account_name_idx" ON "applications" USING btree ("account_id","name","id");--> statement-breakpoint
CREATE INDEX "audit_log_account_created_idx" ON "audit_log" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_log_account_subuser_created_idx" ON "audit_log" USING btree ("account_id","subuser_id","created_at");--> statement-breakpoint
CREATE INDEX "rule_scenarios_scenario_idx" ON "rule_scenarios" USING btree ("scenario_id");--> statement-breakpoint
CREATE INDEX "rules_application_position_idx" ON "rules" USING btree ("application_id","position","id");--> statement-breakpoint
CREATE UNIQUE INDEX "scenarios_application_name_key" ON "scenarios" USING btree ("application_id",lower("name"));--> statement-breakpoint
CREATE INDEX "scenarios_application_created_idx" ON "scenarios" USING btree ("application_id","created_at","id");