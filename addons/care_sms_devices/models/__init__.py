from . import care_elder_contact, helpdesk_ticket
