CREATE TYPE "public"."role" AS ENUM('OWNER', 'ADMIN', 'DEVELOPER', 'SUPERVISOR', 'SUPPORT', 'ACCOUNTANT', 'CALL_LIST_MANAGER', 'USER_MANAGER', 'PHONE_NUMBER_MANAGER', 'PAYER', 'PAYER_NO_VERIFY');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_name_unique" UNIQUE("name"),
	CONSTRAINT "accounts_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "subusers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"login" text NOT NULL,
	"email" text,
	"description" text,
	"password_hash" text NOT NULL,
	"roles" "role"[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subusers_roles_not_empty" CHECK (cardinality("subusers"."roles") >= 1)
);
--> statement-breakpoint
ALTER TABLE "subusers" ADD CONSTRAINT "subusers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subusers_account_login_key" ON "subusers" USING btree ("account_id","login");--> statement-breakpoint
CREATE INDEX "subusers_account_created_idx" ON "subusers" USING btree ("account_id","created_at","id");