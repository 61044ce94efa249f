package io.eventsource.sample.restaurant;

import java.util.ArrayList;
import java.util.List;

/**
 * What the order process knows of one order, rebuilt from its history.
 */
public class OrderState {

	public String table = "";

	public List<String> items = new ArrayList<>();

	public boolean cooked;

	public long totalCents = -1;

	public boolean paid;

}
