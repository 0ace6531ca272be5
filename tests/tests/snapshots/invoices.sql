CREATE TABLE public.invoices (
    id serial NOT NULL,
    invoice_number character varying(100) NOT NULL,
    client_id integer NOT NULL,
    issue_date timestamp without time zone DEFAULT now() NOT NULL,
    due_date timestamp without time zone NOT NULL,
    status character varying(50) DEFAULT 'draft' NOT NULL,
    subtotal numeric(10,2) NOT NULL,
    tax_rate numeric(5,2) DEFAULT 20.00 NOT NULL,
    tax_amount numeric(10,2) NOT NULL,
    total numeric(10,2) NOT NULL,
    deposit_amount numeric(10,2),
    deposit_paid_at timestamp without time zone,
    stripe_deposit_payment_intent_id character varying(255),
    remaining_balance numeric(10,2),
    paid_at timestamp without time zone,
    notes text,
    pdf_s3_key text,
    sent_at timestamp without time zone,
    created_at timestamp without time zone DEFAULT now() NOT NULL,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT invoices_pkey PRIMARY KEY (id),
    CONSTRAINT invoices_invoice_number_unique UNIQUE (invoice_number)
);

ALTER TABLE public.invoices ADD CONSTRAINT invoices_client_id_clients_id_fk FOREIGN KEY (client_id) REFERENCES public.clients (id);
